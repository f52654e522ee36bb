package org.kmemdump.itest.trouble;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Never satisfied: it needs a {@link Missing} service named {@code never}, and there is none. */
@Component(immediate = true, service = {})
public class Waiting {
    @Activate
    public Waiting(@Reference(name = "missing", target = "(name=never)") Missing missing) {
    }
}
