/* yaml_edit — a config's text with some keys set to new values: how `snac run` and
 * `snac ablate` derive the config each stage runs with (another seed, objective set or
 * surrogate version) and store it, so a stage's run row holds exactly what it ran and a
 * plain `snac search --resume` of it reproduces it.
 *
 * The text is loaded as a libyaml document, each path's value replaced (a missing key or
 * section is added), and the document emitted again in block style: comments are lost,
 * every value and its quoting kept.
 *
 * Memory: *out is malloc'd (the caller frees). Workload: a few KB, once per stage.
 */
#ifndef SNAC_CONFIG_YAML_EDIT_H
#define SNAC_CONFIG_YAML_EDIT_H

#include <stddef.h>

typedef struct cfg_set {
    const char *path;  /* "search.seed": mapping keys from the root, '.'-separated */
    const char *value; /* a YAML value: "12", "[accuracy, bops_mac]", "{a: 1}", "\"\"" */
} cfg_set;

/* text[0..len) with sets[0..n) applied; `name` names the text in errors. */
int cfg_text_set(const char *text, size_t len, const char *name, const cfg_set *sets, size_t n, char **out);

#endif
