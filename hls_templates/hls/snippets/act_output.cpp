    nnet::linear<layer{{L}}_t, result_t, act_config{{L}}>(layer{{L}}_dense, layer{{L}}_out);
