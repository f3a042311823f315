/**
 * Running a program to its end: an argv list (never a shell), a whole environment, a working
 * directory, its input, a time limit, its output read in full. Used by the batch back ends, shared
 * mode, command services and the authorization callout; it knows none of them, and its failures are
 * {@link org.sandgate.process.CommandException}s that each caller turns into its own.
 */
package org.sandgate.process;
