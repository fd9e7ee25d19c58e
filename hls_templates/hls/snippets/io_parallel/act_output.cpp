    nnet::linear<layer{{L}}_t, result_t, linear_config{{L}}>(layer{{L}}_dense, layer{{L}}_out);
