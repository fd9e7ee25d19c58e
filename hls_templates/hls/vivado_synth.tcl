{{HEADER_HASH}}
# Out-of-context Vivado synthesis of the HLS-generated RTL; writes vivado_synth.rpt
# (report_utilization), which `snac ingest` reads.
set tcl_path [file dirname [info script]]
add_files ${tcl_path}/myproject_prj/solution1/syn/verilog
synth_design -top myproject -part {{PART}} -mode out_of_context
create_clock -period {{CLOCK_NS}} -name default [get_ports ap_clk]
report_utilization -file vivado_synth.rpt
report_timing_summary -file vivado_timing.rpt
