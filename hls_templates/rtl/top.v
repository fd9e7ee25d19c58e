{{HEADER_V}}
// {{TOP}}: {{ARCH}}; {{OUTPUT_DESC}}.
// Latency {{LATENCY}} cycles, one new input per cycle (II = 1). Inputs and outputs are packed,
// element 0 in the low bits; input codes {{INPUT_T}}, output codes {{OUTPUT_T}}.
`default_nettype none

module {{TOP}} (
    input  wire                     clk,
    input  wire                     in_valid,
    input  wire [{{X_BITS}}-1:0]    x,
    output wire                     out_valid,
    output wire [{{Y_BITS}}-1:0]    y
);
{{WIRES}}
{{INSTANCES}}
    // in_valid delayed by the latency
    reg [{{LATENCY}}-1:0] valid_pipe = {{LATENCY}}'d0;
    always @(posedge clk)
        valid_pipe <= {{VALID_SHIFT}};
    assign out_valid = valid_pipe[{{LATENCY}}-1];
endmodule

`default_nettype wire
