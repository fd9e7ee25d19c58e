/* ingest_manifest — snac_manifest.json back into ingest; see ingest_manifest.h.
 *
 * The manifest is JSON, read with the YAML reader (JSON is YAML's flow subset),
 * so a syntax error comes with file:line:column.
 */
#include "validation/ingest_manifest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config/yaml_doc.h"
#include "util/err.h"
#include "validation/ingest_spec.h"

static bool is_hex64(const char *s)
{
    if (strlen(s) != 64)
        return false;
    for (; *s; s++)
        if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
            return false;
    return true;
}

/* A required string key holding 64 lowercase hex digits. */
static int read_sha(const cfg_doc *d, const cfg_node *root, const char *key, const char *path,
                    char out[SHA256_HEX_LEN])
{
    const cfg_node *n = cfg_map_get(d, root, key);
    if (!n)
        return snac_err_set(SNAC_EFORMAT, "%s: manifest without \"%s\"", path, key);
    const char *s = cfg_node_scalar(d, n);
    if (!s || !is_hex64(s))
        return cfg_errorf(SNAC_EFORMAT, d, n, "\"%s\" must be a SHA-256 (64 lowercase hex digits)", key);
    rpt_strlcpy(out, s, SHA256_HEX_LEN);
    return SNAC_OK;
}

int ingest_manifest_read(const char *dir, ingest_manifest *m, bool *found)
{
    memset(m, 0, sizeof *m);
    *found = false;
    int w = snprintf(m->path, sizeof m->path, "%s/%s", dir, INGEST_MANIFEST_NAME);
    if (w < 0 || (size_t)w >= sizeof m->path)
        return snac_err_set(SNAC_EINVAL, "%s: path too long", dir);
    struct stat st;
    if (stat(m->path, &st) != 0)
        return SNAC_OK;
    *found = true;
    cfg_doc *d;
    int rc = cfg_doc_load(m->path, &d);
    if (rc)
        return snac_err_prefix(SNAC_EFORMAT, "manifest not valid JSON: ");
    const cfg_node *root = cfg_doc_root(d), *n;
    const char *s;
    long long id = 0;
    if (!root || cfg_node_kind(d, root) != CFG_KIND_MAPPING)
        rc = snac_err_set(SNAC_EFORMAT, "%s: a manifest must be a JSON object", m->path);
    else if (!(n = cfg_map_get(d, root, "kind")))
        rc = snac_err_set(SNAC_EFORMAT, "%s: manifest without \"kind\"", m->path);
    else if (!(s = cfg_node_scalar(d, n)) || strcmp(s, "snac-export") != 0)
        rc = cfg_errorf(SNAC_EFORMAT, d, n, "\"kind\" must be \"snac-export\"");
    else if (!(n = cfg_map_get(d, root, "model_id")))
        rc = snac_err_set(SNAC_EFORMAT, "%s: manifest without \"model_id\"", m->path);
    else if (!(rc = cfg_node_long(d, n, 1, INT64_MAX, &id)))
        m->model_id = (int64_t)id;
    rc = rc ? rc : read_sha(d, root, "spec_sha256", m->path, m->spec_sha256);
    rc = rc ? rc : read_sha(d, root, "qmodel_sha256", m->path, m->qmodel_sha256);
    if (!rc) {
        if (!(n = cfg_map_get(d, root, "spec")))
            rc = snac_err_set(SNAC_EFORMAT, "%s: manifest without \"spec\"", m->path);
        else if (cfg_node_kind(d, n) != CFG_KIND_MAPPING)
            rc = cfg_errorf(SNAC_EFORMAT, d, n, "\"spec\" must be a JSON object");
        else
            rc = ingest_spec_node_json(d, n, &m->spec_json);
    }
    cfg_doc_free(d);
    if (!rc) {
        char sha[SHA256_HEX_LEN];
        sha256_hex(m->spec_json, strlen(m->spec_json), sha);
        if (strcmp(sha, m->spec_sha256) != 0)
            rc = snac_err_set(SNAC_EFORMAT, "%s: \"spec\" hashes to %s, not to its spec_sha256 %s (edited?)",
                              m->path, sha, m->spec_sha256);
    }
    if (rc) {
        free(m->spec_json);
        m->spec_json = NULL;
    }
    return rc;
}

int ingest_manifest_verify(snac_db *db, const ingest_manifest *m)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db_handle(db), "SELECT qmodel FROM models WHERE id = ?1", -1, &st, NULL) != SQLITE_OK)
        return db_error(db, "looking up the manifest's model");
    sqlite3_bind_int64(st, 1, m->model_id);
    int step = sqlite3_step(st);
    if (step == SQLITE_DONE) {
        sqlite3_finalize(st);
        return snac_err_set(SNAC_ENOTFOUND, "%s: model %lld does not exist in %s (a manifest of another "
                            "database?); reports not ingested", m->path, (long long)m->model_id, db_path(db));
    }
    if (step != SQLITE_ROW) {
        sqlite3_finalize(st);
        return db_error(db, "looking up the manifest's model");
    }
    int rc = SNAC_OK;
    if (sqlite3_column_type(st, 0) != SQLITE_BLOB) {
        rc = snac_err_set(SNAC_EINVAL, "%s: model %lld in %s has no quantized model, the manifest's has SHA-256 %s "
                          "(a manifest of another database?); reports not ingested", m->path,
                          (long long)m->model_id, db_path(db), m->qmodel_sha256);
    } else {
        char sha[SHA256_HEX_LEN];
        sha256_hex(sqlite3_column_blob(st, 0), (size_t)sqlite3_column_bytes(st, 0), sha);
        if (strcmp(sha, m->qmodel_sha256) != 0)
            rc = snac_err_set(SNAC_EINVAL, "%s: model %lld in %s is not the exported one: its quantized model has "
                              "SHA-256 %s, the manifest's qmodel_sha256 is %s (a manifest of another database?); "
                              "reports not ingested", m->path, (long long)m->model_id, db_path(db), sha,
                              m->qmodel_sha256);
    }
    sqlite3_finalize(st);
    return rc;
}

void ingest_manifest_free(ingest_manifest *m)
{
    if (!m)
        return;
    free(m->spec_json);
    m->spec_json = NULL;
}
