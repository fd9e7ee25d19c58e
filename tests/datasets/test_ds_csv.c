/* test_ds_csv — the CSV loader: OpenML hls4ml_lhc_jets_hlf layout fixture (label mapping,
 * standard normalisation), integer labels, column selection, and every error path with
 * the file, line and column in the message. Temporary files go to the working directory.
 */
#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "datasets/dataset.h"
#include "datasets/loaders.h"
#include "util/err.h"

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
}

static int load_one(const char *path, ds_split *s)
{
    ds_config c;
    ds_config_init(&c);
    snprintf(c.files[0], DS_PATH_CAP, "%s", path);
    c.n_files = 1;
    c.val_fraction = 0.0;
    c.test_fraction = 0.0;
    return ds_load(&c, s);
}

static void csv_should_map_openml_labels_in_sorted_order(void)
{
    const char *fx = getenv("SNAC_FIXTURES");
    char path[400];
    snprintf(path, sizeof path, "%.300s/datasets/hls4ml_lhc_jets_hlf_small.csv", fx ? fx : "tests/fixtures");
    ds_config c;
    ds_config_init(&c);
    snprintf(c.files[0], DS_PATH_CAP, "%s", path);
    c.n_files = 1;
    c.norm = DS_NORM_NONE;
    c.val_fraction = 0.0;
    c.test_fraction = 0.0;
    ds_tensor all;
    ds_split meta = {0};
    size_t n_first = 0;
    const char *p = path;
    int rc = ds_csv_read(&c, &p, 1, 1, &all, &n_first, &meta);
    CHECK_MSG(rc == 0, "%s", snac_err_msg());
    if (rc)
        return;
    CHECK(all.n == 40 && all.d == 16 && n_first == 40);
    CHECK(meta.n_classes == 5);
    const char *want[5] = {"g", "q", "t", "w", "z"};
    for (int k = 0; k < 5; k++)
        CHECK_STR_CONTAINS(meta.class_names[k], want[k]);
    /* rows are g, w, q, z, t, ... -> 0, 3, 1, 4, 2 */
    CHECK(all.y[0] == 0 && all.y[1] == 3 && all.y[2] == 1 && all.y[3] == 4 && all.y[4] == 2);
    CHECK_NEAR(all.x[0], -1.0817, 1e-6);           /* zlogz of row 1 */
    CHECK_NEAR(all.x[15], 79.0, 1e-6);             /* multiplicity of row 1 */
    CHECK(strcmp(meta.feature_names[14], "mass_mmdt") == 0);
    ds_tensor_free(&all);

    /* through ds_load: standard normalisation on train -> mean 0, std 1 per column */
    ds_split s;
    rc = load_one(path, &s);
    CHECK_MSG(rc == 0, "%s", snac_err_msg());
    CHECK(s.norm.kind == DS_NORM_STANDARD && s.train.n == 40);
    for (size_t j = 0; j < s.d; j++) {
        double m = 0, v = 0;
        for (size_t i = 0; i < s.train.n; i++)
            m += s.train.x[i * s.d + j];
        m /= (double)s.train.n;
        for (size_t i = 0; i < s.train.n; i++)
            v += (s.train.x[i * s.d + j] - m) * (s.train.x[i * s.d + j] - m);
        CHECK_NEAR(m, 0.0, 1e-5);
        CHECK_NEAR(sqrt(v / (double)s.train.n), 1.0, 1e-4);
    }
    ds_split_free(&s);
}

static void csv_should_accept_integer_labels_and_selected_columns(void)
{
    write_text("ds_int.csv", "a,b,label,c\n1,2,0,3\n4,5,2,6\n7,8,1,9\n");
    ds_config c;
    ds_config_init(&c);
    strcpy(c.class_column, "label");
    c.n_columns = 2;
    strcpy(c.columns[0], "c");
    strcpy(c.columns[1], "a");
    ds_tensor t;
    ds_split meta = {0};
    size_t nf;
    const char *p = "ds_int.csv";
    int rc = ds_csv_read(&c, &p, 1, 1, &t, &nf, &meta);
    CHECK_MSG(rc == 0, "%s", snac_err_msg());
    if (rc)
        return;
    CHECK(t.n == 3 && t.d == 2 && meta.n_classes == 3);
    CHECK(t.y[0] == 0 && t.y[1] == 2 && t.y[2] == 1);
    CHECK(t.x[0] == 3.0f && t.x[1] == 1.0f && t.x[4] == 9.0f && t.x[5] == 7.0f);
    ds_tensor_free(&t);
}

static void csv_should_skip_a_utf8_byte_order_mark(void)
{
    write_text("ds_bom.csv", "\xEF\xBB\xBF" "class,a\ng,1\nq,2\n");
    ds_config c;
    ds_config_init(&c);
    ds_tensor t;
    ds_split meta = {0};
    size_t nf;
    const char *p = "ds_bom.csv";
    int rc = ds_csv_read(&c, &p, 1, 1, &t, &nf, &meta);
    CHECK_MSG(rc == 0, "%s", snac_err_msg());
    if (rc)
        return;
    CHECK(t.n == 2 && t.d == 1 && meta.n_classes == 2);
    CHECK(t.y[0] == 0 && t.y[1] == 1 && t.x[1] == 2.0f);
    ds_tensor_free(&t);
}

static void expect_error(const char *name, const char *text, const char *want1, const char *want2)
{
    if (text)
        write_text(name, text);
    ds_split s;
    int rc = load_one(name, &s);
    CHECK_MSG(rc == SNAC_EFORMAT, "%s: rc %d (%s)", name, rc, snac_err_msg());
    CHECK_STR_CONTAINS(snac_err_msg(), name);
    CHECK_STR_CONTAINS(snac_err_msg(), want1);
    if (want2)
        CHECK_STR_CONTAINS(snac_err_msg(), want2);
    CHECK(s.train.x == NULL && s.d == 0 && s.norm.shift == NULL);
}

static void csv_should_reject_ragged_rows_with_the_line(void)
{
    expect_error("ds_ragged.csv", "a,b,class\n1,2,g\n3,4,q\n5,g\n", ":4:", "ragged");
}

static void csv_should_reject_non_numeric_cells_with_line_and_column(void)
{
    expect_error("ds_nonnum.csv", "a,b,class\n1,2,g\n3,x4,q\n", ":3:", "column 'b'");
}

static void csv_should_reject_nan_and_inf(void)
{
    expect_error("ds_nan.csv", "a,b,class\n1,nan,g\n3,4,q\n", ":2:", "column 'b'");
    expect_error("ds_inf.csv", "a,b,class\n1,2,g\n3,1e999,q\n", ":3:", "column 'b'");
}

static void csv_should_reject_a_nul_byte_with_its_line(void)
{
    FILE *f = fopen("ds_nul.csv", "wb");
    fwrite("a,class\n1,g\n2,q\0\n3,g\n4,q\n", 1, 25, f);
    fclose(f);
    expect_error("ds_nul.csv", NULL, ":3:", "NUL byte");
}

static void csv_should_reject_an_empty_file(void)
{
    expect_error("ds_empty.csv", "", "empty file", NULL);
}

static void csv_should_reject_a_missing_class_column(void)
{
    expect_error("ds_noclass.csv", "a,b,label\n1,2,g\n", "class column 'class'", ":1:");
}

int main(void)
{
    TEST(csv_should_map_openml_labels_in_sorted_order);
    TEST(csv_should_accept_integer_labels_and_selected_columns);
    TEST(csv_should_skip_a_utf8_byte_order_mark);
    TEST(csv_should_reject_ragged_rows_with_the_line);
    TEST(csv_should_reject_non_numeric_cells_with_line_and_column);
    TEST(csv_should_reject_nan_and_inf);
    TEST(csv_should_reject_a_nul_byte_with_its_line);
    TEST(csv_should_reject_an_empty_file);
    TEST(csv_should_reject_a_missing_class_column);
    return check_report();
}
