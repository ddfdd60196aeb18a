package org.latentcl.backend.ops;

import org.latentcl.backend.Activation;
import org.latentcl.backend.Backend;
import org.latentcl.backend.JavaBackend;
import org.latentcl.backend.Tensor;

/**
 * What a convolution's last gather or permutation ({@link Im2Col#col2im}, {@link ChannelMajor#fromChannelMajor}) does
 * to each value it writes, so that a layer's bias and activation (forward) and the previous layer's activation
 * derivative (backward) cost no launch and no pass over memory of their own, as a Linear layer's GEMM epilogue does:
 * v + bias[channel] (bias null: none), then {@code act}, then times {@code gateAct'(gate)} read from the forward output
 * {@code gate} at the same index (gate null: none). The arithmetic is that of {@link ChannelBias#channelBias},
 * {@link Activations#activate} and {@link Activations#activateBackward} run one after another, so the bits are theirs.
 * Kernel side: {@code common.cl: conv_epilogue}.
 *
 * @param bias    one value per channel, or null
 * @param act     the activation applied after the bias
 * @param gate    a forward output of the written tensor's shape whose activation derivative multiplies the value, or null
 * @param gateAct the activation that made {@code gate}
 */
public record ConvEpilogue(Tensor bias, Activation act, Tensor gate, Activation gateAct) {
    /** The values written as they are. */
    public static final ConvEpilogue NONE = new ConvEpilogue(null, Activation.IDENTITY, null, Activation.IDENTITY);

    /** A layer's forward output: + bias[channel] (none when null), then act. */
    public static ConvEpilogue biasThen(Tensor bias, Activation act) {
        return new ConvEpilogue(bias, act, null, Activation.IDENTITY);
    }

    /** An input gradient carried through the activation f that made the layer's input x: times f'(x); none for no gate. */
    public static ConvEpilogue gated(Tensor x, Activation f) {
        return f == null || f.kind() == Activation.Kind.IDENTITY ? NONE : new ConvEpilogue(null, Activation.IDENTITY, x, f);
    }

    /** Whether values are written unchanged. */
    public boolean plain() {
        return bias == null && act.kind() == Activation.Kind.IDENTITY && gate == null;
    }

    /** The value written at flat index {@code at} of the output, in channel {@code channel}, for the computed v. */
    public float apply(float v, int channel, int at) {
        if (bias != null) {
            v += bias.get(channel);
        }
        v = act.apply(v);
        if (gate != null) {
            v *= gateAct.derivativeFromOutput(gate.get(at));
        }
        return v;
    }

    /**
     * The Java backend's fast path of {@link #apply} on arrays: dst[dstAt + q] = the epilogue of src[srcAt + q], for q below
     * count, all in channel {@code channel}, at output index outAt + q (src and dst may be the same array). One loop per
     * step with its branch outside, as the kernels do, so that each is a simple loop the JIT compiles tightly; the
     * arithmetic per value is {@link #apply}'s.
     */
    void applyRange(float[] src, int srcAt, float[] dst, int dstAt, int count, int channel, int outAt) {
        if (src != dst || srcAt != dstAt) {
            System.arraycopy(src, srcAt, dst, dstAt, count);
        }
        int end = dstAt + count;
        if (bias != null) {
            float add = bias.get(channel);
            for (int i = dstAt; i < end; i++) {
                dst[i] += add;
            }
        }
        switch (act.kind()) {
            case IDENTITY -> { }
            case RELU -> {
                for (int i = dstAt; i < end; i++) {
                    dst[i] = dst[i] > 0f ? dst[i] : 0f;
                }
            }
            case LEAKY_RELU -> {
                float slope = act.slope();
                for (int i = dstAt; i < end; i++) {
                    dst[i] = dst[i] > 0f ? dst[i] : slope * dst[i];
                }
            }
            default -> {
                for (int i = dstAt; i < end; i++) {
                    dst[i] = act.apply(dst[i]);
                }
            }
        }
        if (gate != null) {
            float[] g = JavaBackend.array(gate);
            int go = (int) gate.offset() + outAt - dstAt;
            Activation.Kind kind = gateAct.kind();
            if (kind == Activation.Kind.RELU || kind == Activation.Kind.LEAKY_RELU) {
                // As derivativeFromOutput: 1 where the output is positive, else 0 (ReLU) or the slope.
                float below = kind == Activation.Kind.RELU ? 0f : gateAct.slope();
                for (int i = dstAt; i < end; i++) {
                    dst[i] *= g[go + i] > 0f ? 1f : below;
                }
            } else {
                for (int i = dstAt; i < end; i++) {
                    dst[i] *= gateAct.derivativeFromOutput(g[go + i]);
                }
            }
        }
    }

    /** Checks that the bias has {@code channels} values and the gate is out's shape, both on be. */
    void check(Backend be, String op, int channels, Tensor out) {
        if (bias != null) {
            be.own(bias, op + " bias");
            if (bias.size() != channels) {
                throw new IllegalArgumentException(op + ": bias must have " + channels + " values, got " + bias.shape());
            }
        }
        if (gate != null) {
            be.own(gate, op + " gate");
            if (gate.rows() != out.rows() || gate.cols() != out.cols()) {
                throw new IllegalArgumentException(op + ": the gate must be the output's " + out.shape() + ", got " + gate.shape());
            }
        }
    }
}
