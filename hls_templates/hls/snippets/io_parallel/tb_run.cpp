        input_t x[N_INPUT_1_1];
        for (int i = 0; i < N_INPUT_1_1; i++)
            x[i] = in[i];
        result_t y[N_OUTPUTS];
        myproject(x, y);
        for (int j = 0; j < N_OUTPUTS; j++)
            out[j] = y[j].to_double();
