// Host cost of a kernel launch: queues 20,000 tiny axpy and GEMM launches on the first OpenCL device and
// prints the time per launch spent queuing them and in total. Build and run after `mvn package`:
//   javac -cp target/latentcl.jar -d target/probe tools/LaunchProbe.java
//   LD_PRELOAD=$JAVA_HOME/lib/libjsig.so java -cp target/latentcl.jar:target/probe LaunchProbe
import org.latentcl.backend.*;
import org.latentcl.opencl.*;
public class LaunchProbe {
    public static void main(String[] a) {
        ClBackend be = new ClBackend(OpenCl.discover().devices().get(0));
        Tensor x = be.zeros(1, 64), y = be.zeros(1, 64);
        Tensor A = be.zeros(8, 8), B = be.zeros(8, 8), C = be.zeros(8, 8);
        for (int rep = 0; rep < 3; rep++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < 20000; i++) be.axpy(1f, x, y);
            long t1 = System.nanoTime();
            be.finish();
            long t2 = System.nanoTime();
            for (int i = 0; i < 20000; i++) be.gemm(false, true, 1f, A, B, 0f, C, null, Activation.IDENTITY);
            long t3 = System.nanoTime();
            be.finish();
            long t4 = System.nanoTime();
            System.out.printf("axpy enqueue %.2f us, total %.2f us; gemm enqueue %.2f us, total %.2f us%n", (t1-t0)/2e4/1e3, (t2-t0)/2e4/1e3, (t3-t2)/2e4/1e3, (t4-t2)/2e4/1e3);
        }
    }
}
