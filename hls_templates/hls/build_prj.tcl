{{HEADER_HASH}}
# Vivado/Vitis HLS project: C simulation, C synthesis, co-simulation, export, and optionally
# Vivado synthesis of the exported RTL (vivado_synth.tcl). Run: vitis_hls -f build_prj.tcl
# (or vivado_hls). Switches: set them with `-tclargs csim=0 cosim=1 ...`.
array set opt {
    reset    0
    csim     1
    synth    1
    cosim    0
    export   0
    vsynth   0
}
foreach arg $::argv {
    foreach {k v} [split $arg =] { if {[info exists opt($k)]} { set opt($k) $v } }
}
set part  "{{PART}}"
set clock {{CLOCK_NS}}

open_project -reset myproject_prj
set_top myproject
add_files firmware/myproject.cpp -cflags "-std=c++0x"
add_files -tb myproject_test.cpp -cflags "-std=c++0x"
add_files -tb tb_data
open_solution -reset "solution1"
catch {config_array_partition -maximum_size 4096}
set_part $part
create_clock -period $clock -name default

if {$opt(csim)} {
    puts "***** C SIMULATION *****"
    csim_design -argv tb_data
}
if {$opt(synth)} {
    puts "***** C/RTL SYNTHESIS *****"
    csynth_design
}
if {$opt(cosim)} {
    puts "***** C/RTL CO-SIMULATION *****"
    cosim_design -trace_level all -argv tb_data
}
if {$opt(export)} {
    puts "***** EXPORT IP *****"
    export_design -format ip_catalog
}
if {$opt(vsynth)} {
    puts "***** VIVADO SYNTHESIS *****"
    exec vivado -mode batch -source vivado_synth.tcl >@ stdout
}
exit
