/* yes_lines: writes numbered lines to stdout, one write(2) each, and reports the
 * first write that fails.
 *
 * yes_lines [COUNT [MODE]]   COUNT lines (0: until a write fails; default 100)
 *   MODE default  SIGPIPE keeps its default action: a closed pipe kills the process
 *                 (exit status 141) before the failure can be reported
 *        ignore   SIGPIPE is ignored: the write fails with EPIPE
 *        handle   a SIGPIPE handler counts the signals, then the write fails with EPIPE
 *
 * A failed write prints "yes_lines: write of line N failed: <error>" on stderr (with
 * the number of SIGPIPEs caught) and exits with the errno (EPIPE 32, ENOSPC 28, ...).
 * Under a reader that closes early (`| head -1`) and into /dev/full this shows what the
 * guest sees when the host cannot take its output. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t caught;

static void on_sigpipe(int signo)
{
    (void)signo;
    caught++;
}

int main(int argc, char **argv)
{
    long count = argc > 1 ? atol(argv[1]) : 100;
    const char *mode = argc > 2 ? argv[2] : "default";
    if (strcmp(mode, "ignore") == 0) {
        signal(SIGPIPE, SIG_IGN);
    } else if (strcmp(mode, "handle") == 0) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_sigpipe;
        sigaction(SIGPIPE, &sa, NULL);
    }
    char line[32];
    for (long i = 1; count == 0 || i <= count; i++) {
        int n = snprintf(line, sizeof line, "line %ld\n", i);
        if (write(1, line, n) != n) {
            int e = errno;
            char report[160];
            int m = snprintf(report, sizeof report, "yes_lines: write of line %ld failed: %s (SIGPIPE caught %d times)\n",
                             i, strerror(e), (int)caught);
            write(2, report, m);
            return e;
        }
    }
    return 0;
}
