/* export_template — generated files are templates filled from data.
 *
 * A template is a real file under the template folder (hls_templates/, see its README) with
 * named placeholders {{NAME}} (capitals, digits, '_'). export_template_fill() replaces each by
 * its value from an export_vars list; a placeholder without a value, or an unterminated one,
 * is an error naming the template and the placeholder, so a template and its generator cannot
 * silently drift apart. Values are inserted verbatim (no recursion).
 *
 * The generators build values and files in a strbuf (util/strbuf.h); export_str_check() is
 * their one out-of-memory check.
 *
 * Memory: export_vars and strbuf own their strings; *_free(NULL-state) is safe on a
 * zeroed struct. Workload: a few dozen files per export, weights files up to ~100 kB.
 */
#ifndef SNAC_EXPORT_TEMPLATE_H
#define SNAC_EXPORT_TEMPLATE_H

#include <stddef.h>

#include "util/strbuf.h"

/* SNAC_ENOMEM (with a message) when an append to b failed, else 0. */
int export_str_check(const strbuf *b);

typedef struct export_vars {
    size_t n, cap;
    char **key, **val;
} export_vars;

/* Set (or replace) key = printf(fmt, ...). */
int export_vars_set(export_vars *v, const char *key, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void export_vars_free(export_vars *v);

/* Folder of the templates: $SNAC_TEMPLATES if set, else the source tree's hls_templates/. */
const char *export_template_dir(void);

/* Fill template `name` (a path under the template folder) into *out (appended). */
int export_template_fill(const char *name, const export_vars *v, strbuf *out);
/* Fill template `name` and write it to `path`. */
int export_template_write(const char *name, const export_vars *v, const char *path);

/* Write text to path (SNAC_EIO with the path on failure). */
int export_write_file(const char *path, const char *text, size_t len);

#endif
