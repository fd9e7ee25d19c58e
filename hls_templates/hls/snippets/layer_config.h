// layer {{L}}: dense {{N_IN}} -> {{N_OUT}}, {{STRATEGY}} strategy, {{IO_TYPE}}
struct config{{L}} : nnet::dense_config {
    static const unsigned n_in = {{N_IN}};
    static const unsigned n_out = {{N_OUT}};
    static const unsigned io_type = nnet::{{IO_TYPE}};
    static const unsigned strategy = nnet::{{STRATEGY_ENUM}};
    static const unsigned reuse_factor = {{REUSE}};
    static const unsigned n_zeros = {{N_ZEROS}};
    static const unsigned n_nonzeros = {{NONZERO}};
    static const unsigned multiplier_limit = DIV_ROUNDUP(n_in * n_out, reuse_factor) - n_zeros / reuse_factor;
    static const bool store_weights_in_bram = false;
    typedef accum{{L}}_t accum_t;
    typedef bias{{L}}_t bias_t;
    typedef weight{{L}}_t weight_t;
    typedef ap_uint<1> index_t;
    template <class data_T, class res_T, class CONFIG_T>
    using kernel = nnet::{{KERNEL}}<data_T, res_T, CONFIG_T>;
    template <class x_T, class y_T>
    using product = nnet::product::mult<x_T, y_T>;
};
struct {{ACT}}_config{{L}} : nnet::activ_config {
    static const unsigned n_in = {{N_OUT}};
    static const unsigned table_size = {{TABLE_SIZE}};
    static const unsigned io_type = nnet::{{IO_TYPE}};
    static const unsigned reuse_factor = {{REUSE}};
    typedef {{TABLE_T}} table_t;
};
