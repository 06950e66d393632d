/**
 * The simulated engine checked against published measurements: each {@link
 * dev.headroom.simulator.calibration.PublishedRow} is a benchmark condition and its published figure,
 * {@link dev.headroom.simulator.calibration.Calibration} replays it in virtual time. Seeded, drawn length
 * distributions only: nothing here downloads or reads a data set. The table and the fit/hold-out split:
 * {@code src/docs/simulator.md}, "Checked against published tables".
 */
package dev.headroom.simulator.calibration;
