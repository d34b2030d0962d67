// The pages behind invitation links: an end user activates their line (choosing a number when
// none was assigned); an invited administrator chooses a password. Plain HTML, no script.
#include "http_util.hpp"
#include "routes.hpp"

namespace linedesk::server {
namespace {

std::string escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

void send_page(httplib::Response& res, int status, const std::string& title, const std::string& body) {
  res.status = status;
  res.set_header("Cache-Control", "no-store");
  res.set_header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'");
  res.set_header("Referrer-Policy", "no-referrer");
  res.set_content(
      "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
      "content=\"width=device-width, initial-scale=1\"><title>" + escape(title) +
          " — LineDesk</title><style>body{font:16px/1.5 system-ui,sans-serif;background:#eef0f4;"
          "color:#1c2330;margin:0}main{max-width:440px;margin:8vh auto;background:#fff;"
          "border-radius:8px;padding:28px 32px;box-shadow:0 1px 4px #0002}h1{font-size:22px;"
          "margin:0 0 12px}label{display:block;margin:6px 0}.num{font-variant-numeric:tabular-nums}"
          "button{margin-top:16px;padding:8px 18px;border:0;border-radius:4px;background:#1c2d4e;"
          "color:#fff;font-size:16px}input[type=password]{width:100%;padding:6px;box-sizing:"
          "border-box;font-size:16px}.error{color:#b01c2e}.muted{color:#5f6473}</style></head>"
          "<body><main><h1>" + escape(title) + "</h1>" + body + "</main></body></html>",
      "text/html; charset=utf-8");
}

void send_link_error(httplib::Response& res, const Error& e) {
  send_page(res, http_status_for(e), "This link cannot be used", "<p>" + escape(e.message) + "</p>");
}

std::string activation_form(const ActivationView& v, const std::string& error) {
  std::string body = "<p>Hello " + escape(v.name.empty() ? "there" : v.name) + ",</p><p>" +
                     escape(v.organization) + " has set up a business phone line for you.</p>";
  if (!error.empty()) body += "<p class=\"error\">" + escape(error) + "</p>";
  body += "<form method=\"post\">";
  if (!v.number.empty()) {
    body += "<p>Your number: <strong class=\"num\">" + escape(v.number) + "</strong></p>";
  } else if (v.choices.empty()) {
    return body + "</form><p class=\"error\">No number is available for you right now. Please "
                  "ask your administrator.</p>";
  } else {
    body += "<p>Choose your number:</p>";
    for (std::size_t i = 0; i < v.choices.size(); ++i) {
      body += "<label><input type=\"radio\" name=\"number\" value=\"" + escape(v.choices[i]) +
              "\"" + (i == 0 ? " checked" : "") + "> <span class=\"num\">" + escape(v.choices[i]) +
              "</span></label>";
    }
  }
  body += "<button type=\"submit\">Activate my line</button></form>";
  return body;
}

}  // namespace

void install_activation_routes(httplib::Server& s, Service& service) {
  s.Get(R"(/activate/([A-Za-z0-9_-]{20,64}))",
        guarded([&service](const httplib::Request& req, httplib::Response& res) {
          auto view = service.activation(req.matches[1].str());
          if (!view) return send_link_error(res, view.error());
          send_page(res, 200, "Activate your business line", activation_form(*view, ""));
        }));

  s.Post(R"(/activate/([A-Za-z0-9_-]{20,64}))",
         guarded([&service](const httplib::Request& req, httplib::Response& res) {
           const std::string token = req.matches[1].str();
           auto r = service.activate(token, req.get_param_value("number"));
           if (!r) {
             auto view = service.activation(token);
             if (!view) return send_link_error(res, view.error());
             return send_page(res, 422, "Activate your business line",
                              activation_form(*view, r.error().message));
           }
           const std::string number = r->result.value("number", std::string());
           send_page(res, 200, "Your line is active",
                     "<p>Your business number <strong class=\"num\">" + escape(number) +
                         "</strong> is active. Open the MultiLine app and sign in to start using "
                         "it.</p>");
         }));

  s.Get(R"(/admin-activate/([A-Za-z0-9_-]{20,64}))",
        guarded([&service](const httplib::Request& req, httplib::Response& res) {
          auto admin = service.admin_link(req.matches[1].str());
          if (!admin) return send_link_error(res, admin.error());
          send_page(res, 200, "Choose your password",
                    "<p>Set the password you will use to sign in to LineDesk as <strong>" +
                        escape(admin->email) + "</strong>.</p><form method=\"post\"><label>Password "
                        "(at least 8 characters)<input type=\"password\" name=\"password\" "
                        "autocomplete=\"new-password\" minlength=\"8\" required></label><label>"
                        "Repeat it<input type=\"password\" name=\"confirm\" "
                        "autocomplete=\"new-password\" required></label><button "
                        "type=\"submit\">Save password</button></form>");
        }));

  s.Post(R"(/admin-activate/([A-Za-z0-9_-]{20,64}))",
         guarded([&service](const httplib::Request& req, httplib::Response& res) {
           const std::string token = req.matches[1].str();
           auto admin = service.admin_link(token);
           if (!admin) return send_link_error(res, admin.error());
           const std::string password = req.get_param_value("password");
           if (password != req.get_param_value("confirm")) {
             return send_page(res, 422, "Choose your password",
                              "<p class=\"error\">The two passwords differ. Go back and type them "
                              "again.</p>");
           }
           if (auto st = service.set_admin_password(token, password); !st) {
             return send_page(res, 422, "Choose your password",
                              "<p class=\"error\">" + escape(st.error().message) + "</p>");
           }
           send_page(res, 200, "Password saved",
                     "<p>You can now <a href=\"/\">sign in to LineDesk</a> as " +
                         escape(admin->email) + ".</p>");
         }));
}

}  // namespace linedesk::server
