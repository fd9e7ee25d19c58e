    // io_parallel: every array is split into registers
    #pragma HLS ARRAY_RESHAPE variable=input_1 complete dim=0
    #pragma HLS ARRAY_PARTITION variable=layer{{LAST}}_out complete dim=0
    #pragma HLS INTERFACE ap_vld port=input_1,layer{{LAST}}_out
    #pragma HLS {{TOP_STYLE}}
