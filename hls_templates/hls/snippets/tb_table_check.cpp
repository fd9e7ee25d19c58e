    {
        // the kernels' own {{ACT}} table (init_{{ACT}}_table, hls4ml's rule) must be the model's
        static {{ACT}}_table_config::table_t t[{{TABLE_SIZE}}];
        nnet::init_{{ACT}}_table<{{ACT}}_table_config, {{TABLE_SIZE}}>(t);
        int bad = 0;
        for (int i = 0; i < {{TABLE_SIZE}}; i++)
            bad += t[i] != {{ACT}}_table[i];
        std::printf("{{ACT}} table: %d of {{TABLE_SIZE}} entries differ from the model's\n", bad);
        if (bad)
            return 1;
    }
