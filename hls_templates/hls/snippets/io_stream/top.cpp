    // io_stream: one nnet::array pack per layer vector, AXI-Stream ports, a dataflow pipeline
    #pragma HLS INTERFACE axis port=input_1,layer{{LAST}}_out
    #pragma HLS DATAFLOW
