package org.kmemdump.webconsole.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.servlet.Servlet;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;

import org.apache.felix.webconsole.servlet.AbstractServlet;
import org.apache.felix.webconsole.servlet.ServletConstants;
import org.kmemdump.api.BackendPinning;
import org.kmemdump.api.LiveDump;
import org.kmemdump.collector.Failure;
import org.kmemdump.collector.LogReader;
import org.kmemdump.format.LogRing;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The Web Console page {@code kmemdump}: zones, backends (pin and unpin), the crash store with its
 * downloads, the newest log records. It reads through {@link StatusSource}, as the Inventory printer
 * does, and pins through the core's {@link BackendPinning}, as {@code kmemdump:pin} does. State
 * changes are POSTs; every parameter is checked and a bad one is refused with one line saying why,
 * changing nothing.
 */
@Component(service = Servlet.class, property = {ServletConstants.PLUGIN_LABEL + "=" + KmemdumpPage.LABEL,
        ServletConstants.PLUGIN_TITLE + "=kmemdump", ServletConstants.PLUGIN_CATEGORY + "=Status"})
public final class KmemdumpPage extends AbstractServlet {
    private static final long serialVersionUID = 1L;
    static final String LABEL = "kmemdump";
    /** As many records as a crash summary keeps. */
    static final int LOG_RECORDS = 20;
    private static final Set<String> POST_PARAMETERS = Set.of("action", "backend");

    private final transient StatusSource source;
    private final transient BackendPinning pins;
    private final transient LiveDump liveDump;

    @Activate
    public KmemdumpPage(@Reference StatusSource source, @Reference BackendPinning pins, @Reference LiveDump liveDump) {
        this.source = source;
        this.pins = pins;
        this.liveDump = liveDump;
    }

    @Override
    public void renderContent(HttpServletRequest request, HttpServletResponse response) throws IOException {
        List<LogRing.Entry> log = List.of();
        String logProblem = "";
        try {
            log = LogReader.last(source.directory(), LOG_RECORDS).entries();
        } catch (Failure e) {
            logProblem = "the log ring cannot be read: " + e.getMessage();
        }
        String html = PageHtml.render(root(request), source.read(), pins.pinned(), log, logProblem);
        response.getWriter().flush(); // what the console wrote so far (its header) goes first
        unfiltered(response).print(html);
    }

    /**
     * The writer of the response the console wraps. The console passes a page's HTML through a
     * writer that looks at each character, one call per character, for its {@code ${...}}
     * placeholders: for 200 zones that was most of the page's cost, and it would replace a
     * placeholder found in a log message or a backend's name. The page's HTML has none of its own.
     */
    private static PrintWriter unfiltered(HttpServletResponse response) throws IOException {
        return (response instanceof HttpServletResponseWrapper wrapper ? wrapper.getResponse() : response).getWriter();
    }

    /** The page itself is rendered by the console around {@link #renderContent}; paths below it are downloads. */
    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws ServletException, IOException {
        String below = below(request);
        if (below.isEmpty() || below.equals("/")) {
            if (refuseParameters(request, response, Set.of())) {
                return;
            }
            super.doGet(request, response);
            return;
        }
        try {
            if (!request.getParameterMap().isEmpty()) {
                throw new Download.Refused(400, "a download takes no parameter (" + String.join(", ", request.getParameterMap().keySet())
                        + "); a sensitive zone's bytes are never offered");
            }
            Download download = Download.of(below, source.directory());
            if (download.live()) {
                sendLiveCore(response, download.fileName());
            } else {
                send(response, download.crashFile(), download.fileName());
            }
        } catch (Download.Refused refused) {
            refuse(response, refused.status, refused.getMessage());
        }
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!below(request).isEmpty() || refuseParameters(request, response, POST_PARAMETERS)) {
            if (!response.isCommitted()) {
                refuse(response, 404, "only the page itself takes a POST");
            }
            return;
        }
        if (!fromThisSite(request)) {
            refuse(response, 403, "a POST from another site's page (Origin or Referer " + from(request) + "); nothing changed");
            return;
        }
        String action = request.getParameter("action");
        String backend = request.getParameter("backend");
        try {
            if ("pin".equals(action) && backend != null) {
                pins.pin(backend);
            } else if ("unpin".equals(action) && backend == null) {
                pins.unpin();
            } else {
                refuse(response, 400, "expected action=pin with backend=NAME, or action=unpin alone; nothing changed");
                return;
            }
        } catch (IllegalArgumentException e) {
            refuse(response, 400, e.getMessage());
            return;
        } catch (IllegalStateException e) {
            refuse(response, 500, e.getMessage());
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            refuse(response, 503, "interrupted while the core applied it");
            return;
        }
        response.sendRedirect(root(request)); // POST, then GET: a reload does not pin again
    }

    /**
     * The console's Basic login is sent by the browser with any request to this host, also one a
     * page of another site makes it send: so a POST that a browser says comes from a page
     * (Origin, or else Referer) must come from this host's. A request without either is not a
     * page's (curl, a script) and has only the login to show.
     */
    static boolean fromThisSite(HttpServletRequest request) {
        String from = from(request);
        if (from == null) {
            return true;
        }
        try {
            String authority = URI.create(from).getRawAuthority();
            return authority != null && authority.equalsIgnoreCase(request.getHeader("Host"));
        } catch (IllegalArgumentException malformed) {
            return false;
        }
    }

    private static String from(HttpServletRequest request) {
        String origin = request.getHeader("Origin");
        return origin != null ? origin : request.getHeader("Referer");
    }

    /** @return whether the request had a parameter not in {@code allowed}, in which case it was refused */
    private static boolean refuseParameters(HttpServletRequest request, HttpServletResponse response, Set<String> allowed) throws IOException {
        for (Map.Entry<String, String[]> parameter : request.getParameterMap().entrySet()) {
            if (!allowed.contains(parameter.getKey()) || parameter.getValue().length != 1) {
                refuse(response, 400, "unexpected parameter '" + parameter.getKey() + "' (this page takes " + (allowed.isEmpty() ? "none"
                        : String.join(", ", allowed.stream().sorted().toList()) + ", once each") + "); nothing changed");
                return true;
            }
        }
        return false;
    }

    private void sendLiveCore(HttpServletResponse response, String fileName) throws IOException {
        Path core = Files.createTempFile("kmemdump-live", ".elf");
        try {
            liveDump.write(core);
            send(response, core, fileName);
        } finally {
            Files.deleteIfExists(core);
        }
    }

    private static void send(HttpServletResponse response, Path file, String fileName) throws IOException {
        response.setContentType("application/octet-stream");
        response.setHeader("Content-Disposition", "attachment; filename=\"" + fileName + "\"");
        response.setContentLengthLong(Files.size(file));
        try (InputStream in = Files.newInputStream(file); OutputStream out = response.getOutputStream()) {
            in.transferTo(out);
        }
    }

    private static void refuse(HttpServletResponse response, int status, String message) throws IOException {
        response.setStatus(status);
        response.setContentType("text/plain");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.getWriter().println(message);
    }

    /** @return the page's URL path, e.g. {@code /system/console/kmemdump} */
    private static String root(HttpServletRequest request) {
        Object root = request.getAttribute(ServletConstants.ATTR_PLUGIN_ROOT);
        return root != null ? root.toString() : request.getContextPath() + request.getServletPath() + "/" + LABEL;
    }

    /** @return the request's path below the page, {@code ""} for the page itself */
    private static String below(HttpServletRequest request) {
        String root = root(request);
        String uri = request.getRequestURI();
        return uri.startsWith(root) ? uri.substring(root.length()) : uri;
    }
}
