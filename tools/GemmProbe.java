// Same-run comparison of GEMM launch shapes (rows per work-item TM, work-group size) on the first OpenCL device,
// queued back to back as in training. Build and run after `mvn package`:
//   javac -cp target/latentcl.jar -d target/probe tools/GemmProbe.java
//   LD_PRELOAD=$JAVA_HOME/lib/libjsig.so java -cp target/latentcl.jar:target/probe GemmProbe
import org.latentcl.backend.*;
import org.latentcl.opencl.*;
public class GemmProbe {
    public static void main(String[] a) {
        ClDeviceInfo d = OpenCl.discover().devices().get(0);
        int[][] shapes = {{1024,1024,1024,0},{128,400,784,1},{128,784,400,0},{400,784,128,2}};
        for (int tn : new int[] {8, 16}) for (int tm : new int[] {4, 8, 16}) {
            for (long[] local : new long[][] {null, {1,1}, {4,1}, {8,8}}) {
                ClBackend be = new ClBackend(d, new ClBackend.GemmConfig(tm, tn, local), 0);
                StringBuilder sb = new StringBuilder("TM=" + tm + " TN=" + tn + " local=" + (local == null ? "null" : local[0] + "x" + local[1]) + ":");
                for (int[] s : shapes) {
                    int m = s[0], n = s[1], k = s[2];
                    boolean ta = s[3] == 2, tb = s[3] == 1;
                    Tensor A = be.zeros(ta ? k : m, ta ? m : k), B = be.zeros(tb ? n : k, tb ? k : n), C = be.zeros(m, n);
                    for (int i = 0; i < 3; i++) be.gemm(ta, tb, 1f, A, B, 0f, C, null, Activation.IDENTITY);
                    be.finish();
                    int reps = m * n * k > 1e8 ? 5 : 30;
                    long t0 = System.nanoTime();
                    for (int i = 0; i < reps; i++) be.gemm(ta, tb, 1f, A, B, 0f, C, null, Activation.IDENTITY);
                    be.finish();
                    double sec = (System.nanoTime() - t0) / 1e9 / reps;
                    sb.append(String.format(" %s%s %.1f", s[3]==1?"NT":s[3]==2?"TN":"NN", m+"x"+n+"x"+k, 2.0*m*n*k/sec/1e9));
                    A.close(); B.close(); C.close();
                }
                System.out.println(sb);
                be.close();
            }
        }
    }
}
