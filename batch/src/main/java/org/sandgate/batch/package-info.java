/**
 * The {@code BatchSystem} interface and its back ends (local, Slurm, PBS, DRMAA). Filled in with
 * the service-call and batch capabilities.
 */
package org.sandgate.batch;
