// SPDX-License-Identifier: GPL-3.0-or-later
// Runs one command as a child and prints its wall time and peak memory, for run-agent-bench.sh:
//     WALL_US MAX_RSS_KB EXIT_STATUS
// The build root has no /usr/bin/time, and a shell cannot read a child's rusage; wait4() gives
// the child's own maximum resident set (and that of the children it waited for).
// Usage: bench_agent [--stdout FILE] -- COMMAND [ARGS...]   (the command's output goes to FILE,
// /dev/null by default; its error output is left as it is)
#include <chrono>
#include <cstdio>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    const char *out = "/dev/null";
    int first = 1;
    if (first + 1 < argc && std::strcmp(argv[first], "--stdout") == 0) {
        out = argv[first + 1];
        first += 2;
    }
    if (first >= argc || std::strcmp(argv[first], "--") != 0 || first + 1 >= argc) {
        std::fprintf(stderr, "usage: bench_agent [--stdout FILE] -- COMMAND [ARGS...]\n");
        return 2;
    }
    char **command = argv + first + 1;
    const auto start = std::chrono::steady_clock::now();
    const pid_t child = ::fork();
    if (child < 0) {
        std::perror("bench_agent: fork");
        return 1;
    }
    if (child == 0) {
        const int fd = ::open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (fd < 0 || ::dup2(fd, STDOUT_FILENO) < 0)
            ::_exit(126);
        ::execvp(command[0], command);
        std::perror("bench_agent: exec");
        ::_exit(127);
    }
    int status = 0;
    struct rusage usage
    {
    };
    while (::wait4(child, &status, 0, &usage) < 0) {
        if (errno != EINTR) {
            std::perror("bench_agent: wait4");
            return 1;
        }
    }
    const auto elapsed = std::chrono::steady_clock::now() - start;
    const long long micros = std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count();
    const int exitStatus = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    std::printf("%lld %ld %d\n", micros, usage.ru_maxrss, exitStatus);
    return 0;
}
