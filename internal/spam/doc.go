// Package spam holds the pure parts of Confide's anti-spam layers, shared by
// comments and letters: the signed form key (a bot that posts too fast or
// replays an old form is refused), keyed hashes of client addresses and
// e-mails (so that limits and bans work without keeping an address), link
// counting, the admins' block rules, and a naive Bayes score that learns from
// moderators' decisions. Nothing here touches the database; the services
// read and write the counts and call these functions.
package spam
