{{HEADER_V}}
// {{MODULE}}: the index of the largest of {{N}} logits ({{LOGIT_T}} codes), registered (1 cycle).
// Ties go to the lowest index, as the integer engine's argmax (quant_argmax).
`default_nettype none

module {{MODULE}} (
    input  wire                      clk,
    input  wire [{{X_BITS}}-1:0]     x,
    output reg  [{{IDX_BITS}}-1:0]   y = {{IDX_BITS}}'d0
);
    // running maximum over the logits in index order: a later one wins only if strictly larger
{{BODY}}
    always @(posedge clk)
        y <= idx{{LAST}};
endmodule

`default_nettype wire
