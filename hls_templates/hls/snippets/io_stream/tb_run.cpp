        hls::stream<input_t> xs("input_1");
        input_t x;
        for (int i = 0; i < N_INPUT_1_1; i++)
            x[i] = in[i];
        xs.write(x);
        hls::stream<result_t> ys("layer{{LAST}}_out");
        myproject(xs, ys);
        if (ys.size() != 1 || !xs.empty()) {
            std::fprintf(stderr, "jet %ld: %d input pack(s) left, %d output pack(s), expected 0 and 1\n", n,
                         (int)xs.size(), (int)ys.size());
            return 2;
        }
        const result_t y = ys.read();
        for (int j = 0; j < N_OUTPUTS; j++)
            out[j] = y[j].to_double();
