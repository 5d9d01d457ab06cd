// Containment of assert() failures in DCMTK's decoders: the process-wide __assert_fail below takes the
// place of glibc's (the executable's definition interposes the shared libraries' references to it).
// Inside run_catching_assertions it returns to that call; anywhere else it reports and aborts as
// glibc's does.
#include "shim_internal.hpp"

#include <cerrno>  // program_invocation_short_name (GNU)
#include <csetjmp>
#include <cstdio>
#include <cstdlib>

namespace {
thread_local sigjmp_buf *escape = nullptr;
thread_local std::string *escape_message = nullptr;
}  // namespace

// As glibc's <assert.h> declares it (which it does only without NDEBUG): noexcept, GNU noreturn.
extern "C" void __assert_fail(const char *assertion, const char *file, unsigned int line, const char *function) noexcept
    __attribute__((__noreturn__));

extern "C" void __assert_fail(const char *assertion, const char *file, unsigned int line, const char *function) noexcept {
    if (escape != nullptr) {
        if (escape_message != nullptr) {
            *escape_message = std::string(file ? file : "?") + ":" + std::to_string(line) + ": " + (assertion ? assertion : "?");
        }
        siglongjmp(*escape, 1);
    }
    // glibc's own wording, program name first.
    std::fprintf(stderr, "%s: %s:%u: %s: Assertion `%s' failed.\n", program_invocation_short_name, file ? file : "?", line,
                 function ? function : "?", assertion ? assertion : "?");
    std::fflush(stderr);
    std::abort();
}

namespace cdcm {

bool run_catching_assertions(const std::function<void()> &body, std::string &assertion) {
    sigjmp_buf here;
    sigjmp_buf *const outer = escape;
    std::string *const outer_message = escape_message;
    if (sigsetjmp(here, 0) != 0) {
        escape = outer;
        escape_message = outer_message;
        return false;
    }
    escape = &here;
    escape_message = &assertion;
    try {
        body();
    } catch (...) {
        escape = outer;
        escape_message = outer_message;
        throw;
    }
    escape = outer;
    escape_message = outer_message;
    return true;
}

}  // namespace cdcm
