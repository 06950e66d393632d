import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

public class Crash_a0b2aa57d27c6e096ff8151c7e2db5be41f3f5d7 {
    static final String base64Bytes = String.join("", "IyA=");

    public static void main(String[] args) throws Throwable {
        Crash_a0b2aa57d27c6e096ff8151c7e2db5be41f3f5d7.class.getClassLoader().setDefaultAssertionStatus(true);
        try {
            Method fuzzerInitialize = dev.headroom.collectors.fuzz.ExpositionFuzzTest.class.getMethod("fuzzerInitialize");
            fuzzerInitialize.invoke(null);
        } catch (NoSuchMethodException ignored) {
            try {
                Method fuzzerInitialize = dev.headroom.collectors.fuzz.ExpositionFuzzTest.class.getMethod("fuzzerInitialize", String[].class);
                fuzzerInitialize.invoke(null, (Object) args);
            } catch (NoSuchMethodException ignored1) {
            } catch (IllegalAccessException | InvocationTargetException e) {
                e.printStackTrace();
                System.exit(1);
            }
        } catch (IllegalAccessException | InvocationTargetException e) {
            e.printStackTrace();
            System.exit(1);
        }
        byte[] input = java.util.Base64.getDecoder().decode(base64Bytes);
        dev.headroom.collectors.fuzz.ExpositionFuzzTest.fuzzerTestOneInput(input);
    }
}