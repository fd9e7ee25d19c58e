{{HEADER_C}}
// C simulation test bench: reads tb_data/tb_input_features.dat (one jet per line, N_INPUT_1_1
// values), runs myproject, writes the logits to tb_data/csim_results.log (one line per jet,
// "%.17g", the same format as tb_output_predictions.dat, which holds the snacpack integer
// engine's logits), and counts lines that differ from it. Exit status 1 on any difference.
// First, for tanh/sigmoid models: the table the kernels build (init_*_table) must equal the
// model's own codes (firmware/weights/table_*.h) entry by entry, with snacpack's bundled
// kernels and with hls4ml's alike. {{STRATEGY}} strategy, {{IO_TYPE}}.
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "firmware/myproject.h"
{{TB_INCLUDES}}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "tb_data";
    char path[4096];
    std::snprintf(path, sizeof path, "%s/tb_input_features.dat", dir);
    FILE *fin = std::fopen(path, "r");
    if (!fin) {
        std::fprintf(stderr, "cannot read %s\n", path);
        return 2;
    }
    std::snprintf(path, sizeof path, "%s/tb_output_predictions.dat", dir);
    FILE *fpr = std::fopen(path, "r");
    std::snprintf(path, sizeof path, "%s/csim_results.log", dir);
    FILE *fout = std::fopen(path, "w");
    if (!fout) {
        std::fprintf(stderr, "cannot write %s\n", path);
        return 2;
    }
{{TABLE_CHECKS}}
    long n = 0, differ = 0;
    for (;;) {
        double in[N_INPUT_1_1], out[N_OUTPUTS], v;
        int got = 0;
        for (int i = 0; i < N_INPUT_1_1 && std::fscanf(fin, "%lf", &v) == 1; i++, got++)
            in[i] = v;
        if (got == 0)
            break;
        if (got != N_INPUT_1_1) {
            std::fprintf(stderr, "jet %ld: %d of %d inputs\n", n, got, N_INPUT_1_1);
            return 2;
        }
{{TB_RUN}}
        char line[64 * N_OUTPUTS + 2] = "", expect[64 * N_OUTPUTS + 2] = "";
        size_t len = 0;
        for (int j = 0; j < N_OUTPUTS; j++)
            len += std::snprintf(line + len, sizeof line - len, j ? " %.17g" : "%.17g", out[j]);
        std::fprintf(fout, "%s\n", line);
        if (fpr) {
            size_t el = 0;
            for (int j = 0; j < N_OUTPUTS && std::fscanf(fpr, "%lf", &v) == 1; j++)
                el += std::snprintf(expect + el, sizeof expect - el, j ? " %.17g" : "%.17g", v);
            if (std::strcmp(line, expect) != 0)
                differ++;
        }
        n++;
    }
    std::fclose(fin);
    std::fclose(fout);
    if (fpr)
        std::fclose(fpr);
    std::printf("csim: %ld jets, %ld differ from tb_output_predictions.dat%s\n", n, differ,
                fpr ? "" : " (no predictions file)");
    return differ ? 1 : 0;
}
