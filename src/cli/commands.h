/* commands — the subcommands of `snac`; each lives in cmd_<name>.c.
 * A command gets argv after its own name (argv[0] is the command name),
 * prints its errors via cli_fail(), and returns the process exit status. */
#ifndef SNAC_CLI_COMMANDS_H
#define SNAC_CLI_COMMANDS_H

int cmd_train(int argc, char **argv);
int cmd_data(int argc, char **argv);
int cmd_predict(int argc, char **argv);
int cmd_ingest(int argc, char **argv);
int cmd_search(int argc, char **argv);
int cmd_pareto(int argc, char **argv);
int cmd_local(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_refit(int argc, char **argv);
int cmd_runs(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_synth(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_ablate(int argc, char **argv);
int cmd_report(int argc, char **argv);

/* Print "snac <cmd>: <snac_err_msg()>" to stderr; returns the exit status 1. */
int cli_fail(const char *cmd);

#endif
