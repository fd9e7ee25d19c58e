/* Config reading: a full config, the defaults, and every kind of bad input with its location. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "config/config.h"
#include "config/yaml_doc.h"
#include "util/err.h"
#include "util/fileio.h"

static int parse(const char *text, snac_config *c)
{
    int rc = snac_config_parse(text, strlen(text), "t.yaml", c);
    snac_config_free(c);
    return rc;
}

static void config_should_read_every_section(void)
{
    const char *y = "model:\n"
                    "  hidden: [64, 32]\n"
                    "  activation: tanh\n"
                    "  batch_norm: false\n"
                    "  dropout: 0.1\n"
                    "training:\n"
                    "  epochs: 3\n"
                    "  batch_size: 256\n"
                    "  learning_rate: 0.002\n"
                    "  l1: 1e-5\n"
                    "  seed: 42\n"
                    "  threads: 2\n"
                    "data:\n"
                    "  format: hdf5\n"
                    "  files: [a.h5, dir/]\n"
                    "  test_files: t.h5\n"
                    "  constituents: 16\n"
                    "  features: [pt, etarel]\n"
                    "  pt_min: 1.5\n"
                    "  val_fraction: 0.1\n"
                    "output:\n"
                    "  db: runs.db\n"
                    "  run_name: trial\n";
    snac_config c;
    CHECK(snac_config_parse(y, strlen(y), "t.yaml", &c) == 0);
    CHECK(c.model.n_hidden == 2 && c.model.hidden[0] == 64 && c.model.hidden[1] == 32);
    CHECK(c.model.act == NN_ACT_TANH && !c.model.batch_norm);
    CHECK_NEAR(c.model.dropout, 0.1, 1e-7);
    CHECK(c.training.epochs == 3 && c.training.batch_size == 256 && c.training.threads == 2);
    CHECK_NEAR(c.training.learning_rate, 0.002, 1e-9);
    CHECK_NEAR(c.training.l1, 1e-5, 1e-12);
    CHECK(c.seed == 42);
    CHECK(c.data.format == DS_FORMAT_HDF5 && c.data.n_files == 2 && strcmp(c.data.files[1], "dir/") == 0);
    CHECK(c.data.n_test_files == 1 && strcmp(c.data.test_files[0], "t.h5") == 0);
    CHECK(c.data.n_constituents == 16 && c.data.n_features == 2 && strcmp(c.data.features[1], "etarel") == 0);
    CHECK(c.data.norm == DS_NORM_ROBUST); /* hdf5 default */
    CHECK_NEAR(c.data.pt_min, 1.5, 0);
    CHECK(strcmp(c.output.db, "runs.db") == 0 && strcmp(c.output.run_name, "trial") == 0);
    CHECK(c.text && strstr(c.text, "run_name: trial"));
    snac_config_free(&c);
}

static void config_should_default_to_the_baseline(void)
{
    const char *y = "data:\n  files: x.csv\n";
    snac_config c;
    CHECK(snac_config_parse(y, strlen(y), "t.yaml", &c) == 0);
    CHECK(c.model.n_hidden == 8 && c.model.hidden[0] == 120 && c.model.hidden[7] == 44);
    CHECK(c.model.act == NN_ACT_RELU && c.training.batch_size == 128);
    CHECK_NEAR(c.training.learning_rate, 1.3e-3, 1e-9);
    CHECK(c.data.format == DS_FORMAT_CSV && c.data.norm == DS_NORM_STANDARD);
    CHECK(strcmp(c.output.db, "snac.db") == 0);
    snac_config_free(&c);
}

/* Each bad input: the status, and a message with the location and what was expected. */
static void expect_error(const char *yaml, int code, const char *where, const char *what)
{
    snac_config c;
    int rc = parse(yaml, &c);
    CHECK_MSG(rc == code, "rc %d, expected %d for:\n%s", rc, code, yaml);
    CHECK_STR_CONTAINS(snac_err_msg(), where);
    CHECK_STR_CONTAINS(snac_err_msg(), what);
}

static void config_should_reject_bad_input_with_its_location(void)
{
    expect_error("model:\n  hiden: [1]\ndata:\n  files: a\n", SNAC_EINVAL, "t.yaml:2:3", "unknown key 'hiden'");
    expect_error("modle:\n  hidden: [1]\n", SNAC_EINVAL, "t.yaml:1:1", "expected one of: model, training");
    expect_error("training:\n  epochs: ten\ndata:\n  files: a\n", SNAC_EINVAL, "t.yaml:2:11",
                 "training.epochs: expected an integer, found 'ten'");
    expect_error("training:\n  epochs: 0\ndata:\n  files: a\n", SNAC_ERANGE, "t.yaml:2:11", "expected 1 to 100000");
    expect_error("training:\n  learning_rate: -1\n", SNAC_ERANGE, "t.yaml:2:18", "training.learning_rate");
    expect_error("model:\n  hidden: [64, 0]\n", SNAC_ERANGE, "t.yaml:2:16", "out of range");
    expect_error("model:\n  hidden: {a: 1}\n", SNAC_EINVAL, "t.yaml:2:11", "expected a list");
    expect_error("model:\n  activation: gelu\n", SNAC_EINVAL, "t.yaml:2:15", "not one of: relu, tanh, sigmoid");
    expect_error("model:\n  batch_norm: maybe\n", SNAC_EINVAL, "t.yaml:2:15", "expected true or false");
    expect_error("model: [1, 2]\n", SNAC_EINVAL, "t.yaml:1:8", "expected a mapping");
    expect_error("model:\n  hidden: [1\n", SNAC_EFORMAT, "t.yaml:", "YAML syntax error");
    expect_error("", SNAC_EINVAL, "t.yaml", "empty config");
    expect_error("data:\n  files: a\n---\nmodel:\n  hidden: [8]\n", SNAC_EFORMAT, "t.yaml:3:1",
                 "a second YAML document");
    expect_error("model:\n  dropout: 0.2\n", SNAC_EINVAL, "t.yaml", "data.files");
    expect_error("data:\n  files: a\n  val_fraction: 0.5\n  test_fraction: 0.5\n", SNAC_ERANGE, "t.yaml",
                 "at least 5%");
    expect_error("data:\n  files: a\n  files: b\n", SNAC_EINVAL, "t.yaml:3:3", "duplicate key 'files'");
    expect_error("data:\n  format: hdf5\n  files: a\n  features: [pt, bogus]\n", SNAC_EINVAL, "t.yaml:4:18",
                 "unknown constituent feature 'bogus'");
    expect_error("data:\n  files: a\n  format: parquet\n", SNAC_EINVAL, "t.yaml:3:11", "not one of: csv, hdf5");
    expect_error("model:\n  hidden: [1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1]\n", SNAC_ERANGE, "t.yaml:2:11",
                 "too many entries");
}

static void config_load_should_name_a_missing_file(void)
{
    snac_config c;
    CHECK(snac_config_load("/nonexistent/x.yaml", &c) == SNAC_EIO);
    CHECK_STR_CONTAINS(snac_err_msg(), "/nonexistent/x.yaml");
    snac_config_free(&c);
}

static void shipped_configs_should_parse(void)
{
    const char *dir = getenv("SNAC_FIXTURES");
    char path[1024];
    snprintf(path, sizeof path, "%s/../../configs/default.yaml", dir ? dir : "tests/fixtures");
    snac_config c;
    int rc = snac_config_load(path, &c);
    CHECK_MSG(rc == 0, "%s", snac_err_msg());
    CHECK(c.data.format == DS_FORMAT_HDF5);
    snac_config_free(&c);
}

/* Issue 13 item 3: a few hundred bytes of nested aliases would be read as 10^9 nodes. */
static void yaml_alias_bomb_should_be_refused_at_parse(void)
{
    const char *bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
                       "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                       "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
                       "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
                       "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
                       "f: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n";
    cfg_doc *d = NULL;
    CHECK(cfg_doc_parse(bomb, strlen(bomb), "bomb.yaml", &d) == SNAC_ERANGE && d == NULL);
    CHECK_MSG(strstr(snac_err_msg(), "bomb.yaml: with its aliases expanded the YAML holds") != NULL, "%s",
              snac_err_msg());
    /* one level less (11,111 expanded nodes) is an ordinary, if odd, document */
    const char *fine = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
                       "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                       "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
                       "d: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n";
    CHECK_MSG(cfg_doc_parse(fine, strlen(fine), "fine.yaml", &d) == SNAC_OK, "%s", snac_err_msg());
    cfg_doc_free(d);
    /* long scalars multiplied by aliases count as bytes */
    char big[20000];
    size_t n = (size_t)snprintf(big, sizeof big, "s: &s '");
    memset(big + n, 'y', 9000);
    n += 9000;
    n += (size_t)snprintf(big + n, sizeof big - n,
                          "'\nt: &t [*s, *s, *s, *s, *s, *s, *s, *s, *s, *s]\nu: &u [*t, *t, *t, *t, *t, *t, *t, *t, "
                          "*t, *t]\nv: [*u, *u, *u, *u, *u, *u, *u, *u, *u, *u]\n");
    d = NULL;
    CHECK(cfg_doc_parse(big, n, "bytes.yaml", &d) == SNAC_ERANGE && d == NULL);
    CHECK_MSG(strstr(snac_err_msg(), "bytes of scalars") != NULL, "%s", snac_err_msg());
}

static void yaml_too_deep_or_recursive_should_be_refused_with_a_line(void)
{
    char deep[400];
    size_t n = 0;
    for (int i = 0; i < 100; i++)
        deep[n++] = '[';
    for (int i = 0; i < 100; i++)
        deep[n++] = ']';
    deep[n] = '\0';
    cfg_doc *d = NULL;
    CHECK(cfg_doc_parse(deep, n, "deep.yaml", &d) == SNAC_ERANGE && d == NULL);
    CHECK_MSG(strstr(snac_err_msg(), "deep.yaml:1:") && strstr(snac_err_msg(), "nested deeper than 64"), "%s",
              snac_err_msg());
    const char *rec = "a: &a [1, *a]\n";
    int rc = cfg_doc_parse(rec, strlen(rec), "rec.yaml", &d);
    /* libyaml either refuses the alias itself or builds the cycle, which must not be walked */
    CHECK(rc != SNAC_OK && d == NULL);
    CHECK_MSG(strstr(snac_err_msg(), "rec.yaml:1:") != NULL, "%s", snac_err_msg());
}

/* Issue 13 item 6: inputs are read through one bounded reader. */
static void config_load_should_refuse_devices_directories_and_huge_files(void)
{
    snac_config c;
    CHECK(snac_config_load("/dev/zero", &c) == SNAC_EIO);
    CHECK_MSG(strstr(snac_err_msg(), "/dev/zero: cannot read: a character device, not a regular file"), "%s",
              snac_err_msg());
    snac_config_free(&c);
    CHECK(snac_config_load(".", &c) == SNAC_EIO);
    CHECK_MSG(strstr(snac_err_msg(), ".: cannot read: a directory"), "%s", snac_err_msg());
    snac_config_free(&c);
    FILE *f = fopen("huge_config.yaml", "wb");
    CHECK(f != NULL);
    if (f) {
        fseek(f, (long)SNAC_READ_MAX_CONFIG, SEEK_SET); /* one byte past the limit, sparse */
        fputc('\n', f);
        fclose(f);
    }
    CHECK(snac_config_load("huge_config.yaml", &c) == SNAC_ERANGE);
    CHECK_MSG(strstr(snac_err_msg(), "huge_config.yaml: 1048577 bytes, more than the 1 MiB limit for a config file"),
              "%s", snac_err_msg());
    snac_config_free(&c);
    remove("huge_config.yaml");
    char *buf;
    size_t len;
    f = fopen("small.txt", "wb");
    if (f) {
        fputs("0123456789", f);
        fclose(f);
    }
    CHECK(snac_read_file_max("small.txt", 10, "test", &buf, &len) == SNAC_OK && len == 10 && buf[10] == '\0');
    free(buf);
    CHECK(snac_read_file_max("small.txt", 9, "test", &buf, &len) == SNAC_ERANGE && buf == NULL);
    remove("small.txt");
}

int main(void)
{
    TEST(yaml_alias_bomb_should_be_refused_at_parse);
    TEST(yaml_too_deep_or_recursive_should_be_refused_with_a_line);
    TEST(config_load_should_refuse_devices_directories_and_huge_files);
    TEST(config_should_read_every_section);
    TEST(config_should_default_to_the_baseline);
    TEST(config_should_reject_bad_input_with_its_location);
    TEST(config_load_should_name_a_missing_file);
    TEST(shipped_configs_should_parse);
    return check_report();
}
