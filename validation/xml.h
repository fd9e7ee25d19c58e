/* xml — a small, strict XML reader for synthesis reports: elements, attributes,
 * character data (with the five predefined entities, numeric character
 * references and CDATA), comments and processing instructions. No DTD: a
 * <!DOCTYPE> is rejected, as are unknown entities, mismatched tags, a second
 * root element, text outside the root and text mixed with child elements.
 *
 * Memory: xml_parse() builds an xml_doc that owns every node and string; nodes
 * and strings returned by the accessors are borrowed from it and live until
 * xml_free(). The input buffer is not referenced after xml_parse() returns.
 *
 * Workload: one csynth.xml (tens of kilobytes, a few thousand elements) per
 * ingested report; parsing is linear in the input. Nesting is limited to
 * XML_MAX_DEPTH so hostile input cannot exhaust anything.
 */
#ifndef SNAC_VALIDATION_XML_H
#define SNAC_VALIDATION_XML_H

#include <stddef.h>

#define XML_MAX_DEPTH 256

typedef struct xml_doc xml_doc;
typedef struct xml_node xml_node; /* opaque: an element of the document */

/* Parse buf[0..len) (need not be NUL-terminated). `name` (the file path) starts
 * every error message: "name:line: what". Returns 0 or SNAC_EFORMAT/SNAC_ENOMEM. */
int xml_parse(const char *buf, size_t len, const char *name, xml_doc **out);
void xml_free(xml_doc *d);

const xml_node *xml_root(const xml_doc *d);
const char *xml_name(const xml_doc *d, const xml_node *n);
/* Character data of the element with surrounding white space removed ("" if none). */
const char *xml_text(const xml_doc *d, const xml_node *n);
size_t xml_line(const xml_doc *d, const xml_node *n); /* line of the start tag, 1-based */
/* Value of attribute `name`, or NULL. */
const char *xml_attr(const xml_doc *d, const xml_node *n, const char *name);

/* First child element named `name` (NULL = any), or NULL. */
const xml_node *xml_child(const xml_doc *d, const xml_node *n, const char *name);
/* Next sibling element after `n` named `name` (NULL = any), or NULL. */
const xml_node *xml_next(const xml_doc *d, const xml_node *n, const char *name);
/* Descend by a '/'-separated path of child names ("A/B/C"), or NULL. */
const xml_node *xml_path(const xml_doc *d, const xml_node *from, const char *path);

#endif
