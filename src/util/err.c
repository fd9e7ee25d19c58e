/* err — thread-local error message buffer; see err.h. */
#define _POSIX_C_SOURCE 200809L
#include "util/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define ERR_CAP 1024

static _Thread_local char err_buf[ERR_CAP];

int snac_err_set(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err_buf, sizeof err_buf, fmt, ap);
    va_end(ap);
    return code;
}

int snac_err_prefix(int code, const char *fmt, ...)
{
    char prefix[ERR_CAP], old[ERR_CAP];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    memcpy(old, err_buf, sizeof old);
    size_t n = strlen(prefix);
    memcpy(err_buf, prefix, n);
    size_t room = sizeof err_buf - n - 1;
    size_t m = strnlen(old, room);
    memcpy(err_buf + n, old, m);
    err_buf[n + m] = '\0';
    return code;
}

const char *snac_err_msg(void) { return err_buf; }

void snac_err_clear(void) { err_buf[0] = '\0'; }

const char *snac_status_name(int code)
{
    switch (code) {
    case SNAC_OK: return "ok";
    case SNAC_EINVAL: return "invalid input";
    case SNAC_ENOMEM: return "out of memory";
    case SNAC_EIO: return "i/o error";
    case SNAC_EFORMAT: return "malformed file";
    case SNAC_EDB: return "database error";
    case SNAC_ERANGE: return "out of range";
    case SNAC_ENOTFOUND: return "not found";
    case SNAC_EBUSY: return "busy";
    case SNAC_EINTR: return "interrupted";
    default: return "unknown error";
    }
}
