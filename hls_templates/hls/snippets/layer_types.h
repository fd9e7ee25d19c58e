// layer {{L}}
typedef {{WEIGHT_T}} weight{{L}}_t;
typedef {{BIAS_T}} bias{{L}}_t;
typedef {{ACCUM_T}} accum{{L}}_t;
typedef {{RESULT_T}} layer{{L}}_t;
typedef {{OUTPUT_T}} {{OUTPUT_NAME}};
