    // layer {{L}}: dense {{N_IN}} -> {{N_OUT}}, {{NONZERO}} nonzero weights of {{MACS}}, {{STRATEGY}} RF {{REUSE}}; then {{ACT}}
    layer{{L}}_t layer{{L}}_dense[N_LAYER_{{L}}];
    #pragma HLS ARRAY_PARTITION variable=layer{{L}}_dense complete dim=0
    nnet::dense<{{IN_T}}, layer{{L}}_t, config{{L}}>({{IN}}, layer{{L}}_dense, w{{L}}, b{{L}});
{{ACT_CALL}}
