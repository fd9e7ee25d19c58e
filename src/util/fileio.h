/* fileio — whole-file reads and content hashes for small inputs (configs, specs, reports). */
#ifndef SNAC_UTIL_FILEIO_H
#define SNAC_UTIL_FILEIO_H

#include <stddef.h>

/* Read all of `path` into a malloc'd, NUL-terminated buffer (caller frees). */
int snac_read_file(const char *path, char **buf, size_t *len);

#endif
