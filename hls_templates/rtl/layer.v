{{HEADER_V}}
// {{MODULE}}: dense {{N_IN}} -> {{N_OUT}} ({{NONZERO}} nonzero weights), then {{ACT}}; {{STAGES}} register stage(s).
//   x: {{N_IN}} x {{X_T}}   accumulator {{ACCUM_T}}   result {{RESULT_T}}   y: {{N_OUT}} x {{Y_T}}
// Weights are constants: zeros vanish, +-2^k are shifts, weights of at most {{CSD_MAX_WIDTH}} bits are
// canonical-signed-digit shift-adds, wider ones a `*`. The accumulator is lossless, so its
// two's complement wrap-around never changes a sum.
`default_nettype none

module {{MODULE}} (
    input  wire                  clk,
    input  wire [{{X_BITS}}-1:0] x,
    output wire [{{Y_BITS}}-1:0] y
);
    // the bits a requantization drops, and the ends of extended values, are unused on purpose
    /* verilator lint_off UNUSED */

    // inputs at the accumulator width ({{ACC_BITS}} bits), with the product alignment applied per term
{{INPUTS}}
    // adder trees: bias + sum of the constant-coefficient products
{{SUMS}}
{{PIPE_ACC}}
    // requantization to the result type, activation, conversion to the output type
{{NEURONS}}
{{PIPE_OUT}}
    /* verilator lint_on UNUSED */
endmodule

`default_nettype wire
