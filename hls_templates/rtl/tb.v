{{HEADER_V}}
// Test bench of {{TOP}}: applies the {{N_VECTORS}} vectors of tb_input.hex one after the other,
// waits {{LATENCY}} clock edges for each, and writes the output codes (one line per vector,
// signed decimal, element 0 first) to sim_results.txt, the format of tb_expected.txt.
// To simulate with Verilator 5: `verilator --binary --timing -Wno-fatal -f files.f tb_myproject.v --top-module tb_myproject`
`timescale 1ns / 1ps
`default_nettype none

module tb_{{TOP}};
    reg clk = 1'b0;
    always #5 clk = ~clk;

    reg  [{{X_BITS}}-1:0] vectors [0:{{N_VECTORS}}-1];
    reg  [{{X_BITS}}-1:0] x = {{X_BITS}}'d0;
    reg                   in_valid = 1'b0;
    wire                  out_valid;
    wire [{{Y_BITS}}-1:0] y;
    integer i, f;

    {{TOP}} dut (.clk(clk), .in_valid(in_valid), .x(x), .out_valid(out_valid), .y(y));

    initial begin
        $readmemh("tb_input.hex", vectors);
        f = $fopen("sim_results.txt", "w");
        for (i = 0; i < {{N_VECTORS}}; i = i + 1) begin
            @(negedge clk);
            x = vectors[i];
            in_valid = 1'b1;
            repeat ({{LATENCY}}) @(posedge clk);
            @(negedge clk);
            in_valid = 1'b0;
            if (!out_valid)
                $display("vector %0d: out_valid low after %0d cycles", i, {{LATENCY}});
{{PRINT}}
        end
        $fclose(f);
        $finish;
    end
endmodule

`default_nettype wire
