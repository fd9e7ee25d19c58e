/* err — status codes and the one error path of libsnac.
 *
 * Library functions return int: 0 on success, a negative SNAC_E* code on
 * failure, after setting a message with its context (file, key, line) through
 * snac_err_set(). The CLI prints snac_err_msg() and exits non-zero. The message
 * buffer is thread-local, so worker threads never clobber each other's errors.
 */
#ifndef SNAC_UTIL_ERR_H
#define SNAC_UTIL_ERR_H

#include <stddef.h>

enum snac_status {
    SNAC_OK = 0,
    SNAC_EINVAL = -1,  /* bad argument or bad user input (config, spec) */
    SNAC_ENOMEM = -2,  /* allocation failed */
    SNAC_EIO = -3,     /* file could not be opened, read or written */
    SNAC_EFORMAT = -4, /* file content is malformed (CSV, HDF5, report) */
    SNAC_EDB = -5,     /* SQLite error or incompatible database */
    SNAC_ERANGE = -6,  /* value out of range */
    SNAC_ENOTFOUND = -7, /* a named thing (run, model, version) does not exist */
    SNAC_EBUSY = -8,     /* a resource (a run being resumed) is owned by another process */
    SNAC_EINTR = -9      /* stopped by SIGINT/SIGTERM (util/interrupt.h) */
};

/* Set the current thread's error message (printf-style) and return `code`,
 * so callers can write `return snac_err_set(SNAC_EINVAL, "...", ...);`. */
int snac_err_set(int code, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Prefix the current message with more context ("file.yaml: " + message). */
int snac_err_prefix(int code, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

const char *snac_err_msg(void);       /* "" when no error was set */
const char *snac_status_name(int code);
void snac_err_clear(void);

#endif
