/* fileio — bounded whole-file reads of regular files; see fileio.h. */
#define _POSIX_C_SOURCE 200809L
#include "util/fileio.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/err.h"
#include "util/interrupt.h"

static const char *kind_of(mode_t m)
{
    if (S_ISDIR(m))
        return "a directory";
    if (S_ISCHR(m))
        return "a character device";
    if (S_ISBLK(m))
        return "a block device";
    if (S_ISFIFO(m))
        return "a pipe";
    if (S_ISSOCK(m))
        return "a socket";
    return "not a regular file";
}

static void human(size_t n, char *out, size_t cap)
{
    if (n >= ((size_t)1 << 30) && n % ((size_t)1 << 30) == 0)
        snprintf(out, cap, "%zu GiB", n >> 30);
    else if (n >= ((size_t)1 << 20) && n % ((size_t)1 << 20) == 0)
        snprintf(out, cap, "%zu MiB", n >> 20);
    else
        snprintf(out, cap, "%zu bytes", n);
}

int snac_check_regular(const char *path, const char *what)
{
    struct stat sb;
    const char *w = what ? what : "", *sep = what ? " " : "";
    if (stat(path, &sb) != 0)
        return errno == ENOENT ? snac_err_set(SNAC_EIO, "%s%s%s: does not exist", w, sep, path)
                               : snac_err_set(SNAC_EIO, "%s%s%s: cannot open: %s", w, sep, path, strerror(errno));
    if (!S_ISREG(sb.st_mode))
        return snac_err_set(SNAC_EIO, "%s%s%s: cannot read: %s, not a regular file", w, sep, path,
                            kind_of(sb.st_mode));
    return SNAC_OK;
}

int snac_read_file_max(const char *path, size_t max, const char *what, char **buf, size_t *len)
{
    *buf = NULL;
    *len = 0;
    /* stat before open: opening a FIFO would block until a writer comes */
    struct stat sb;
    if (stat(path, &sb) != 0)
        return errno == ENOENT ? snac_err_set(SNAC_EIO, "%s: does not exist", path)
                               : snac_err_set(SNAC_EIO, "%s: cannot open: %s", path, strerror(errno));
    if (!S_ISREG(sb.st_mode))
        return snac_err_set(SNAC_EIO, "%s: cannot read: %s, not a regular file", path, kind_of(sb.st_mode));
    char lim[32];
    human(max, lim, sizeof lim);
    if ((unsigned long long)sb.st_size > (unsigned long long)max)
        return snac_err_set(SNAC_ERANGE, "%s: %lld bytes, more than the %s limit for a %s file", path,
                            (long long)sb.st_size, lim, what ? what : "input");
    snac_interrupt_blocking_begin(); /* replaced by a FIFO since the stat: the first signal still ends it */
    FILE *f = fopen(path, "rb");
    snac_interrupt_blocking_end();
    if (!f)
        return snac_err_set(SNAC_EIO, "%s: cannot open: %s", path, strerror(errno));
    if (fstat(fileno(f), &sb) == 0 && !S_ISREG(sb.st_mode)) { /* replaced between stat and open */
        fclose(f);
        return snac_err_set(SNAC_EIO, "%s: cannot read: %s, not a regular file", path, kind_of(sb.st_mode));
    }
    /* the size is a hint (a file may grow while read): the limit is enforced on what is read */
    size_t cap = (size_t)sb.st_size + 1 < 4096 ? 4096 : (size_t)sb.st_size + 2, n = 0, got;
    if (cap > max + 2)
        cap = max + 2;
    char *b = malloc(cap);
    while (b && (got = fread(b + n, 1, cap - 1 - n, f)) > 0) {
        n += got;
        if (n > max)
            break;
        if (n == cap - 1) {
            size_t ncap = cap * 2 > max + 2 ? max + 2 : cap * 2;
            char *nb = realloc(b, ncap);
            if (!nb)
                free(b);
            b = nb;
            cap = ncap;
        }
    }
    int err = ferror(f);
    int e = errno;
    fclose(f);
    if (!b)
        return snac_err_set(SNAC_ENOMEM, "%s: out of memory", path);
    if (n > max) {
        free(b);
        return snac_err_set(SNAC_ERANGE, "%s: more than the %s limit for a %s file", path, lim, what ? what : "input");
    }
    if (err) {
        free(b);
        return snac_err_set(SNAC_EIO, "%s: read error: %s", path, strerror(e));
    }
    b[n] = '\0';
    *buf = b;
    *len = n;
    return SNAC_OK;
}

int snac_read_file(const char *path, char **buf, size_t *len)
{
    return snac_read_file_max(path, SNAC_READ_MAX, "input", buf, len);
}
