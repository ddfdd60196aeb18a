package org.latentcl.backend.ops;

/** The op table of docs/BACKEND.md, made from the registry: {@code java ... OpTable} prints it. */
public final class OpTable {
    private OpTable() {
    }

    static String markdown() {
        StringBuilder sb = new StringBuilder("| operation | math | kernels | self-test checks |\n|---|---|---|---|\n");
        for (OpSpec op : Ops.ALL) {
            sb.append("| `").append(op.name()).append("` | ").append(op.math().replace("|", "\\|")).append(" | `")
                    .append(op.kernels()).append("` | ").append(op.checks().size()).append(" |\n");
        }
        return sb.toString();
    }

    public static void main(String[] args) {
        System.out.print(markdown());
    }
}
