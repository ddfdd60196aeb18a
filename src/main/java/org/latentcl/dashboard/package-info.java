/**
 * The dashboard behind {@code latentcl serve}: reads the run directories under one folder as training writes them
 * (tolerating half-written files), and serves them read-only over HTTP with live updates.
 *
 * <p>Internal: the API is {@link org.latentcl.Dashboard}.
 */
package org.latentcl.dashboard;
