package org.latentcl.backend.ops;

/** Element-by-element comparison with a mixed absolute/relative tolerance. */
public final class ParityAssert {
    private ParityAssert() {
    }

    /** |got - want| &lt;= abs + rel * |want| for every element. */
    public static void close(String what, float[] want, float[] got, double abs, double rel) {
        if (want.length != got.length) {
            throw new AssertionError(what + ": length " + got.length + ", expected " + want.length);
        }
        for (int i = 0; i < want.length; i++) {
            double tol = abs + rel * Math.abs(want[i]);
            if (!(Math.abs(got[i] - want[i]) <= tol)) {
                throw new AssertionError(what + ": element " + i + " is " + got[i] + ", expected " + want[i]
                        + " (tolerance " + tol + ")");
            }
        }
    }

    public static void bitwise(String what, float[] want, float[] got) {
        for (int i = 0; i < want.length; i++) {
            if (Float.floatToRawIntBits(want[i]) != Float.floatToRawIntBits(got[i])) {
                throw new AssertionError(what + ": element " + i + " is " + got[i] + ", expected exactly " + want[i]);
            }
        }
    }
}
