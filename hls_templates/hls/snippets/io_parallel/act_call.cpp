    {{OUT_T}} layer{{L}}_act[N_LAYER_{{L}}];
    #pragma HLS ARRAY_PARTITION variable=layer{{L}}_act complete dim=0
    nnet::{{ACT}}<layer{{L}}_t, {{OUT_T}}, {{ACT}}_config{{L}}>(layer{{L}}_dense, layer{{L}}_act);
