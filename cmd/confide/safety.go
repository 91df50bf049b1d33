package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/confide/confide/internal/crisis"
)

// safetyCheck is `confide safety check [--lists FILE] [FILE]`: it reads
// texts, one per line (standard input without FILE), and prints each
// one's tier and the phrases behind it, so that an operator can try the
// word lists (the built-in ones, or their own copy with --lists, read
// with the built-in scored model as the site reads them) before relying on
// them.
func safetyCheck(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("confide safety check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listsFile := fs.String("lists", "", "word lists to use instead of the built-in English ones (the format of internal/crisis/lists/en.txt)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: confide safety check [--lists FILE] [FILE]\n\nPrints each line's risk tier (none, low, medium, high) and the phrases behind it.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	if fs.NArg() > 1 {
		fmt.Fprintf(stderr, "confide safety check: one file at most, got %d\n", fs.NArg())
		return 2
	}
	d := crisis.English()
	if *listsFile != "" {
		f, err := os.Open(*listsFile)
		if err != nil {
			fmt.Fprintf(stderr, "confide safety check: %v\n", err)
			return 2
		}
		l, err := crisis.Parse(f)
		f.Close() // #nosec G104 -- closing on the way out: nothing is left to do with an error
		if err != nil {
			fmt.Fprintf(stderr, "confide safety check: %s: %v\n", *listsFile, err)
			return 2
		}
		d = crisis.New(l).WithModel(crisis.English().Model())
	}
	in := stdin
	if fs.NArg() == 1 {
		f, err := os.Open(fs.Arg(0))
		if err != nil {
			fmt.Fprintf(stderr, "confide safety check: %v\n", err)
			return 2
		}
		defer f.Close()
		in = f
	}
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	out := bufio.NewWriter(stdout)
	defer out.Flush()
	for sc.Scan() {
		text := strings.TrimSpace(sc.Text())
		if text == "" {
			continue
		}
		r := d.Detect(text)
		fmt.Fprintf(out, "%-6s  %s\n", r.Tier, text)
		for _, why := range r.Why() {
			fmt.Fprintf(out, "        %s\n", why)
		}
	}
	if err := sc.Err(); err != nil {
		fmt.Fprintf(stderr, "confide safety check: %v\n", err)
		return 1
	}
	return 0
}
