/* cmd_data — `snac data gen` (simulate the default jet dataset into hls4ml-layout HDF5
 * files) and `snac data info FILE...` (shapes, class counts, feature statistics).
 *
 * Memory: gen holds one file's arrays at a time (jetsim_write_file); info loads one
 * file's preprocessed tensor at a time. Errors print "snac data: <message>" and exit 1.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include "cli/cli_args.h"
#include "cli/commands.h"
#include "datasets/dataset.h"
#include "datasets/jets.h"
#include "datasets/jetsim.h"
#include "util/err.h"
#include "util/progress.h"

#define JETS_PER_FILE 10000
/* At most this many jets per split (100x the hls4ml dataset's 880k): a typo such as
 * --train 1000000000000 is refused up front instead of filling the disk. */
#define DATA_GEN_MAX_JETS 100000000ULL

static const char gen_help[] =
    "usage: snac data gen [--out DIR] [--train N] [--val N] [--test N] [--seed S]\n"
    "                     [--pt-min GEV --pt-max GEV] [--constituents N]\n\n"
    "Simulate g, q, W, Z, t jets (balanced) into HDF5 files of 10,000 jets in the hls4ml layout,\n"
    "named jetImage_<k>_<N>p_<start>_<end>.h5 under DIR/train, DIR/val, DIR/test.\n"
    "Defaults: --out out/jets --train 100000 --val 20000 --test 20000 --seed 1\n"
    "          --pt-min 900 --pt-max 1100 --constituents 30 (stored per jet).\n";

static const char info_help[] =
    "usage: snac data info [--constituents N] [--features a,b,c] [--pt-min GEV] FILE|DIR...\n\n"
    "For each HDF5 jet file: shapes of jetConstituentList and jets, class counts, and min / median /\n"
    "mean / max of the selected constituent features after the preprocessing (pT > pt-min, first N\n"
    "constituents, padding excluded). Defaults: 8 constituents, pt,etarel,phirel, pt-min 2.\n"
    "A .csv file is described per column instead (header, class column 'class').\n";

/* A count option (--train, --constituents, ...) into a size_t. */
static int arg_size(const char *opt, const char *s, size_t *out)
{
    uint64_t v;
    int rc = cli_arg_uint(opt, s, 0, SIZE_MAX, &v);
    if (!rc)
        *out = (size_t)v;
    return rc;
}

static int make_dir(const char *path)
{
    char tmp[DS_PATH_CAP];
    if (snprintf(tmp, sizeof tmp, "%s", path) >= (int)sizeof tmp)
        return snac_err_set(SNAC_EINVAL, "path too long: %s", path);
    for (char *p = tmp + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(tmp, 0777) != 0 && errno != EEXIST)
            return snac_err_set(SNAC_EIO, "%s: cannot create directory: %s", tmp, strerror(errno));
        *p = '/';
    }
    if (mkdir(tmp, 0777) != 0 && errno != EEXIST)
        return snac_err_set(SNAC_EIO, "%s: cannot create directory: %s", tmp, strerror(errno));
    return SNAC_OK;
}

/* ---------------------------------------------------------------- gen */

/* Refuse up front when the files cannot fit: the estimate is the arrays' size (float
 * constituents, double jet columns), the HDF5 overhead is small beside it. */
static int check_space(const char *dir, size_t n_jets, size_t n_stored)
{
    struct statvfs vfs;
    if (statvfs(dir, &vfs) != 0)
        return SNAC_OK; /* unknown: the writer reports a full disk by file */
    double need = (double)n_jets * ((double)n_stored * DS_JET_N_PFEAT * sizeof(float) + DS_JET_N_COLS * sizeof(double));
    double free_b = (double)vfs.f_bavail * (double)vfs.f_frsize;
    if (need > free_b)
        return snac_err_set(SNAC_EIO, "%s: %zu jets need about %.3g GB, only %.3g GB are free there", dir, n_jets,
                            need / 1e9, free_b / 1e9);
    return SNAC_OK;
}

static int data_gen(int argc, char **argv)
{
    const char *out = "out/jets";
    size_t n[3] = {100000, 20000, 20000};
    uint64_t seed = 1;
    jetsim_config c;
    jetsim_config_init(&c);
    int rc = SNAC_OK;
    /* long options only, except -h: the other letters are just switch labels */
    static const struct option opts[] = {{"out", required_argument, NULL, 'o'},
                                         {"train", required_argument, NULL, 'T'},
                                         {"val", required_argument, NULL, 'V'},
                                         {"test", required_argument, NULL, 'E'},
                                         {"seed", required_argument, NULL, 's'},
                                         {"pt-min", required_argument, NULL, 'l'},
                                         {"pt-max", required_argument, NULL, 'u'},
                                         {"constituents", required_argument, NULL, 'n'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    int ch;
    optind = 1;
    while (!rc && (ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (ch) {
        case 'o': out = optarg; break;
        case 'T': rc = arg_size("--train", optarg, &n[0]); break;
        case 'V': rc = arg_size("--val", optarg, &n[1]); break;
        case 'E': rc = arg_size("--test", optarg, &n[2]); break;
        case 's': rc = cli_arg_uint("--seed", optarg, 0, UINT64_MAX, &seed); break;
        case 'l': rc = cli_arg_double("--pt-min", optarg, -HUGE_VAL, HUGE_VAL, &c.pt_lo); break;
        case 'u': rc = cli_arg_double("--pt-max", optarg, -HUGE_VAL, HUGE_VAL, &c.pt_hi); break;
        case 'n': rc = arg_size("--constituents", optarg, &c.n_stored); break;
        case 'h': fputs(gen_help, stdout); return 0;
        default: fputs(gen_help, stderr); return 2;
        }
    }
    if (!rc && optind != argc) {
        fputs(gen_help, stderr);
        return 2;
    }
    static const char *const opt_names[3] = {"--train", "--val", "--test"};
    for (int s = 0; !rc && s < 3; s++)
        if (n[s] > DATA_GEN_MAX_JETS)
            rc = snac_err_set(SNAC_EINVAL, "%s %zu: at most %llu jets per split", opt_names[s], n[s],
                              DATA_GEN_MAX_JETS);
    if (!rc && n[0] + n[1] + n[2] == 0)
        rc = snac_err_set(SNAC_EINVAL, "nothing to generate: --train, --val and --test are all 0");
    if (!rc)
        rc = jetsim_config_check(&c);
    if (rc) {
        cli_fail("data");
        return 2; /* every problem so far is in the command line */
    }
    if ((rc = make_dir(out)) || (rc = check_space(out, n[0] + n[1] + n[2], c.n_stored)))
        return cli_fail("data");
    const char *split[3] = {"train", "val", "test"};
    jetsim_ws *w = NULL;
    if ((rc = jetsim_ws_new(&w)))
        return cli_fail("data");
    double t0 = progress_now();
    size_t total = 0;
    for (int s = 0; s < 3 && !rc; s++) {
        if (n[s] == 0)
            continue;
        char dir[DS_PATH_CAP];
        snprintf(dir, sizeof dir, "%s/%s", out, split[s]);
        if ((rc = make_dir(dir)))
            break;
        size_t n_files = (n[s] + JETS_PER_FILE - 1) / JETS_PER_FILE;
        for (size_t k = 0; k < n_files && !rc; k++) {
            size_t start = k * JETS_PER_FILE, end = start + JETS_PER_FILE < n[s] ? start + JETS_PER_FILE : n[s];
            char path[DS_PATH_CAP + 128];
            snprintf(path, sizeof path, "%s/jetImage_%zu_%zup_%zu_%zu.h5", dir, k, c.n_stored, start, end);
            /* one independent stream per (split, file): files can be regenerated alone */
            uint64_t fseed = seed * 0x9e3779b97f4a7c15ULL + (uint64_t)(s + 1) * 1000003ULL + k;
            double t1 = progress_now();
            rc = jetsim_write_file(&c, path, end - start, fseed, w);
            total += end - start;
            if (!rc)
                progress_line("data gen: %s (%zu jets, %.2f s)", path, end - start, progress_now() - t1);
        }
    }
    jetsim_ws_free(w);
    if (rc)
        return cli_fail("data");
    printf("wrote %zu jets (train %zu, val %zu, test %zu) under %s in %.1f s\n", total, n[0], n[1], n[2], out,
           progress_now() - t0);
    return 0;
}

/* ---------------------------------------------------------------- info */

static int cmp_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

/* min / median / mean / max of column-group f of t (stride F), skipping padded constituents
 * (all selected features exactly zero) when `skip_pad`. */
static void print_stats(const ds_tensor *t, size_t f, size_t F, bool skip_pad, const char *name)
{
    size_t slots = t->d / F, m = 0;
    float *v = malloc((t->n * slots != 0 ? t->n * slots : 1) * sizeof *v);
    if (!v)
        return;
    double sum = 0.0;
    for (size_t i = 0; i < t->n; i++)
        for (size_t s = 0; s < slots; s++) {
            const float *c = t->x + i * t->d + s * F;
            bool pad = skip_pad;
            for (size_t k = 0; k < F && pad; k++)
                pad = c[k] == 0.0f;
            if (pad)
                continue;
            v[m++] = c[f];
            sum += c[f];
        }
    if (m == 0) {
        printf("    %-14s (no values)\n", name);
    } else {
        qsort(v, m, sizeof *v, cmp_float);
        double med = m % 2 ? v[m / 2] : 0.5 * ((double)v[m / 2 - 1] + v[m / 2]);
        printf("    %-14s min %-12.5g median %-12.5g mean %-12.5g max %-12.5g (%zu values)\n", name, v[0], med,
               sum / (double)m, v[m - 1], m);
    }
    free(v);
}

static int info_one(const ds_config *base, const char *path)
{
    size_t len = strlen(path);
    bool csv = len > 4 && strcmp(path + len - 4, ".csv") == 0;
    ds_config c = *base;
    c.format = csv ? DS_FORMAT_CSV : DS_FORMAT_HDF5;
    c.norm = DS_NORM_NONE;
    c.n_files = 1;
    snprintf(c.files[0], DS_PATH_CAP, "%s", path);
    c.val_fraction = 0.0;
    c.test_fraction = 0.0;
    printf("%s\n", path);
    if (!csv) {
        char **files = NULL;
        size_t n_files = 0;
        const char *p = path;
        int rc = ds_jets_list_files(&p, 1, &files, &n_files);
        for (size_t i = 0; i < n_files && !rc; i++) {
            ds_jets_shape sh;
            if ((rc = ds_jets_describe(files[i], &sh)))
                break;
            if (n_files > 1)
                printf("  %s\n", files[i]);
            printf("  jetConstituentList (%zu, %zu, %zu)  jets (%zu, %zu)\n  classes:", sh.n_jets, sh.n_stored,
                   sh.n_pfeat, sh.n_jets, sh.n_cols);
            for (int k = 0; k < DS_JET_CLASS_COUNT; k++)
                printf(" %s %zu", ds_jet_class_names[k], sh.class_count[k]);
            printf("\n");
        }
        ds_jets_free_list(files, n_files);
        if (rc)
            return rc;
    }
    ds_split s;
    int rc = ds_load(&c, &s);
    if (rc)
        return rc;
    if (csv) {
        printf("  %zu rows, %zu features, %zu classes:", s.train.n, s.d, s.n_classes);
        size_t cnt[DS_MAX_CLASSES] = {0};
        for (size_t i = 0; i < s.train.n; i++)
            cnt[s.train.y[i]]++;
        for (size_t k = 0; k < s.n_classes; k++)
            printf(" %s %zu", s.class_names[k], cnt[k]);
        printf("\n  features:\n");
        for (size_t j = 0; j < s.d; j++)
            print_stats(&s.train, j, s.d, false, s.feature_names[j]);
    } else {
        printf("  after the cuts (pT > %g GeV, first %zu constituents): %zu jets\n  features (padding excluded):\n",
               c.pt_min, c.n_constituents, s.train.n);
        for (size_t f = 0; f < s.n_constituent_features; f++)
            print_stats(&s.train, f, s.n_constituent_features, true, c.features[f]);
    }
    ds_split_free(&s);
    return SNAC_OK;
}

static int data_info(int argc, char **argv)
{
    ds_config c;
    ds_config_init(&c);
    int rc = SNAC_OK;
    static const struct option opts[] = {{"constituents", required_argument, NULL, 'n'},
                                         {"features", required_argument, NULL, 'f'},
                                         {"pt-min", required_argument, NULL, 'l'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    int ch;
    optind = 1;
    while (!rc && (ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (ch) {
        case 'n': rc = arg_size("--constituents", optarg, &c.n_constituents); break;
        case 'l': rc = cli_arg_double("--pt-min", optarg, -HUGE_VAL, HUGE_VAL, &c.pt_min); break;
        case 'f': {
            char buf[1024];
            snprintf(buf, sizeof buf, "%s", optarg);
            c.n_features = 0;
            for (char *tok = strtok(buf, ","); tok && c.n_features < DS_MAX_FEATURES; tok = strtok(NULL, ","))
                snprintf(c.features[c.n_features++], DS_NAME_CAP, "%s", tok);
            break;
        }
        case 'h': fputs(info_help, stdout); return 0;
        default: fputs(info_help, stderr); return 2;
        }
    }
    if (!rc && optind == argc)
        rc = snac_err_set(SNAC_EINVAL, "info: no files given (see `snac data info --help`)");
    if (rc) {
        cli_fail("data");
        return 2; /* a usage error */
    }
    for (int i = optind; i < argc && !rc; i++)
        rc = info_one(&c, argv[i]);
    return rc ? cli_fail("data") : 0;
}

int cmd_data(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        printf("usage: snac data gen [options]   simulate the default jet dataset\n"
               "       snac data info FILE...    describe jet HDF5 (or CSV) files\n"
               "`snac data gen --help`, `snac data info --help` list the options.\n");
        return argc < 2 ? 2 : 0;
    }
    if (!strcmp(argv[1], "gen"))
        return data_gen(argc - 1, argv + 1);
    if (!strcmp(argv[1], "info"))
        return data_info(argc - 1, argv + 1);
    snac_err_set(SNAC_EINVAL, "unknown subcommand '%s' (gen, info)", argv[1]);
    cli_fail("data");
    return 2;
}
