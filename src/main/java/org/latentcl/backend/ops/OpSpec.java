package org.latentcl.backend.ops;

import java.util.List;

/**
 * One operation as the registry knows it: the name it has in profiles, {@code selftest} and
 * {@code docs/BACKEND.md}, the math it computes, the kernels that run it on OpenCL, and the
 * checks {@code selftest} runs against its plain Java reference.
 *
 * @param name    the operation's name (the module's method)
 * @param math    what it computes, in one line
 * @param kernels the kernels ({@code file.cl: function}) that run it
 * @param checks  its self-test checks
 */
public record OpSpec(String name, String math, String kernels, List<SelfCheck> checks) {
    public OpSpec {
        checks = List.copyOf(checks);
    }
}
