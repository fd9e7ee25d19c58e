    // layer {{L}}: dense {{N_IN}} -> {{N_OUT}}, {{NONZERO}} nonzero weights of {{MACS}}, {{STRATEGY}} RF {{REUSE}}; then {{ACT}}
    hls::stream<layer{{L}}_t> layer{{L}}_dense("layer{{L}}_dense");
    #pragma HLS STREAM variable=layer{{L}}_dense depth=1
    nnet::dense<{{IN_T}}, layer{{L}}_t, config{{L}}>({{IN}}, layer{{L}}_dense, w{{L}}, b{{L}});
{{ACT_CALL}}
