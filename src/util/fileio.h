/* fileio — whole-file reads of small inputs (configs, specs, reports, CSV tables), bounded.
 *
 * Every read refuses what is not a regular file (a directory, /dev/zero, a FIFO: each
 * named in the message) and stops at a size limit with a message naming the file and the
 * limit, so a wrong path never reads until memory runs out.
 *
 * Memory: the caller frees the returned buffer. Workload: one read per input file.
 */
#ifndef SNAC_UTIL_FILEIO_H
#define SNAC_UTIL_FILEIO_H

#include <stddef.h>

#define SNAC_READ_MAX ((size_t)1 << 30)        /* 1 GiB: any whole-file input (CSV tables, reports) */
#define SNAC_READ_MAX_CONFIG ((size_t)1 << 20) /* 1 MiB: YAML configs and specs are kilobytes */

/* SNAC_OK when `path` is a regular file; else an error naming it and what it is ("a pipe", "a
 * directory", "does not exist"), so nothing blocks opening a FIFO. `what` ("HDF5 data") leads the
 * message when not NULL. */
int snac_check_regular(const char *path, const char *what);
/* Read all of `path` into a malloc'd, NUL-terminated buffer (caller frees), at most SNAC_READ_MAX bytes. */
int snac_read_file(const char *path, char **buf, size_t *len);
/* The same with an explicit limit; `what` names the kind of input in the message ("config"). */
int snac_read_file_max(const char *path, size_t max, const char *what, char **buf, size_t *len);

#endif
