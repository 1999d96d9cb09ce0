// The `lambdash` command. The command line proper is being written (issue 7); until then it
// says what it is and exits.
console.error('lambdash: the command line is not built yet; use the library (import "lambdash").');
process.exitCode = 2;
