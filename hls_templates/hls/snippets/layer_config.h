// layer {{L}}: dense {{N_IN}} -> {{N_OUT}}, Latency strategy, io_parallel
struct config{{L}} : nnet::dense_config {
    static const unsigned n_in = {{N_IN}};
    static const unsigned n_out = {{N_OUT}};
    static const unsigned reuse_factor = {{REUSE}};
    static const unsigned n_zeros = {{N_ZEROS}};
    static const unsigned n_nonzeros = {{NONZERO}};
    static const unsigned multiplier_limit = ({{MACS}} + {{REUSE}} - 1) / {{REUSE}} - {{N_ZEROS}} / {{REUSE}};
    typedef accum{{L}}_t accum_t;
    typedef bias{{L}}_t bias_t;
    typedef weight{{L}}_t weight_t;
};
struct act_config{{L}} : nnet::activ_config {
    static const unsigned n_in = {{N_OUT}};
    static const unsigned table_size = {{TABLE_SIZE}};
    static const unsigned reuse_factor = {{REUSE}};
    typedef table_t table_t_;
    typedef {{SCALED_T}} scaled_t; // layer result x table_scale_t: exact
};
