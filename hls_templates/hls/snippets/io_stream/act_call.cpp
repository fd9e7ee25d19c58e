    hls::stream<{{OUT_T}}> layer{{L}}_act("layer{{L}}_act");
    #pragma HLS STREAM variable=layer{{L}}_act depth=1
    nnet::{{ACT}}<layer{{L}}_t, {{OUT_T}}, {{ACT}}_config{{L}}>(layer{{L}}_dense, layer{{L}}_act);
