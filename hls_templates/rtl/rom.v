{{HEADER_V}}
// {{MODULE}}: the model's {{FUNC}} table, {{N}} entries of {{TABLE_T}} (codes), as a ROM;
// index = (int)(x * {{N}} / {{RANGE}}) + {{N}}/2, clamped (computed by the layer).
`default_nettype none

module {{MODULE}} (
    input  wire [{{ADDR_BITS}}-1:0] addr,
    output reg  [{{DATA_BITS}}-1:0] data
);
    always @(*) begin
        case (addr)
{{ENTRIES}}
        endcase
    end
endmodule

`default_nettype wire
